"""A mediator works a case from acceptance to a signed agreement, in a real browser, and prints it."""

import pytest

from gridcase.cases.models import Case, State
from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser


def act(page, label: str, fields: dict):
    """Open an action's form from the case page, fill it (dates keep their defaults: today), submit."""
    page.click(f".actions a:text-is('{label}')")
    for selector, value in fields.items():
        page.fill(selector, value)
    page.click("main form button[type=submit]")
    page.wait_for_selector(".timeline")


def test_accept_mediate_settle_and_download_the_agreement(browser, live_url, committed, make_case):
    case = make_case(title="浏览器里调解的纠纷")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_url, "cadre")
        page.goto(f"{live_url}/cases/{case.pk}/")
        act(page, "受理", {})
        act(page, "开始调解", {"#id_place": "古河村调解室", "#id_attendees": "双方当事人、村调委会",
                                "#id_content": "释法说理，双方同意协商"})
        act(page, "调解成功", {"#id_terms": "一、李四三日内疏通排水沟。"})

        case.refresh_from_db()
        assert case.state == State.SETTLED and case.agreement.terms == "一、李四三日内疏通排水沟。"
        page.screenshot(path=str(ARTIFACTS / "case-settled-desktop.png"), full_page=True)
        with page.expect_download() as download:
            page.click("a:has-text('打印调解协议书')")
        path = download.value.path()
        assert open(path, "rb").read(5) == b"%PDF-" and case.number in download.value.suggested_filename
        assert Case.objects.get(pk=case.pk).events.filter(kind="case.settled", actor__username="cadre").exists()
    finally:
        context.close()
