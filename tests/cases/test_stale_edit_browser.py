"""Two browsers edit the same case: the second save is refused, shows what the first one changed,
and keeps what the second person typed so that nothing is lost."""

import pytest

from gridcase.cases.models import Case
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser


def test_the_second_of_two_editors_sees_the_difference_and_keeps_their_text(browser, live_url, committed, make_case):
    case = make_case(title="邻居因排水沟堵塞发生争吵")
    edit = f"{live_url}/cases/{case.pk}/edit/"
    first, second = browser.new_context(locale="zh-CN"), browser.new_context(locale="zh-CN")
    try:
        cadre, mediator = first.new_page(), second.new_page()
        log_in(cadre, live_url, "cadre")
        log_in(mediator, live_url, "mediator")
        cadre.goto(edit)
        mediator.goto(edit)  # both now hold version 1

        cadre.fill("input[name=title]", "排水沟堵塞致两户争吵（已核实）")
        cadre.click("main button[type=submit]")
        cadre.wait_for_url(f"{live_url}/cases/{case.pk}/")

        mediator.fill("textarea[name=narrative]", "调解员补充：双方同意先清淤")
        mediator.click("main button[type=submit]")
        alert = mediator.locator(".stale[role=alert]")
        alert.wait_for()
        assert "邻居因排水沟堵塞发生争吵 → 排水沟堵塞致两户争吵（已核实）" in alert.inner_text()
        assert mediator.input_value("textarea[name=narrative]") == "调解员补充：双方同意先清淤"
        assert Case.objects.get(pk=case.pk).narrative == ""  # refused: nothing of theirs was saved yet

        mediator.click("main button[type=submit]")  # sent again, deliberately, against version 2
        mediator.wait_for_url(f"{live_url}/cases/{case.pk}/")
        saved = Case.objects.get(pk=case.pk)
        assert saved.narrative == "调解员补充：双方同意先清淤" and saved.version == 3
    finally:
        first.close()
        second.close()
