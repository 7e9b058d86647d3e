"""The dashboard page, its drill-downs, targets and the monthly report."""

from decimal import Decimal

import pytest
from pypdf import PdfReader

from gridcase.cases.models import Case
from gridcase.dashboards import rollup, targets
from gridcase.dashboards.models import MeasureTarget
from tests.conftest import GENGCHE, GUHE, TUYUAN
from tests.dashboards import scenario

pytestmark = pytest.mark.django_db
OCTOBER = {"period": "month", "start": "2026-10-15"}


@pytest.fixture
def october(make_case):
    return scenario.build(make_case)


def test_the_town_page_shows_cards_ranking_and_lists(october, login):
    response = login("leader").get("/dashboard/", OCTOBER)
    assert response.status_code == 200
    cards = {c.measure.key: c for c in response.context["cards"]}
    assert (cards["success"].figure.num, cards["success"].figure.den) == (4, 5)
    assert cards["success"].rag == "red"  # 80 % against 90 %
    assert cards["criminal"].rag == "red"
    assert cards["local"].rag == "green"
    assert "basis=success.num" in cards["success"].links["num"]
    guhe = next(r for r in response.context["ranking"] if r["area"].code == GUHE)
    assert guhe["below"] and (guhe["in_village"], guhe["in_town"], guhe["above_town"]) == (3, 1, 0)
    assert response.context["escalated_total"] == 3  # C and D by the mediator, E by the 民转刑 rule at once
    html = response.content.decode()
    assert "如何计算" in html and "<svg" in html and "小事不出村、大事不出镇" in html


def test_previous_period_change_and_custom_periods(october, login):
    client = login("leader")
    response = client.get("/dashboard/", OCTOBER)
    success = next(c for c in response.context["cards"] if c.measure.key == "success")
    assert success.previous.num == 1 and success.change == -20.0  # September: G settled, 100 %
    custom = client.get("/dashboard/", {"period": "custom", "start": "2026-10-01", "end": "2026-10-05"})
    success = next(c for c in custom.context["cards"] if c.measure.key == "success")
    assert (success.figure.num, success.figure.den) == (1, 1)  # only A settled by 5 Oct
    bad = client.get("/dashboard/", {"period": "custom", "start": "2026-10-06", "end": "2026-10-01"})
    assert "截止日期不早于起始日期" in bad.content.decode()


def test_targets_by_town_override_the_county_and_the_default(login, users):
    town = users["leader"].area
    assert targets.targets_for(code=TUYUAN)["success"] == Decimal(90)
    county = users["admin"].area
    targets.target_set(actor=users["admin"], area=county, measure="success", value=Decimal(96))
    assert targets.targets_for(code=GUHE)["success"] == Decimal(96)
    response = login("leader").post(f"/dashboard/{TUYUAN}/targets/", {"success": "92", "satisfaction": ""})
    assert response.status_code == 302
    assert targets.targets_for(code=GUHE)["success"] == Decimal(92)
    assert targets.targets_for(code=GENGCHE)["success"] == Decimal(96)
    assert MeasureTarget.objects.get(area=town, measure="success").updated_by == users["leader"]


def test_targets_are_checked(login, users):
    client = login("leader")
    response = client.post(f"/dashboard/{TUYUAN}/targets/", {"success": "120"})
    assert "比率目标应在 0–100 之间" in response.content.decode()
    assert login("leader2").get(f"/dashboard/{TUYUAN}/targets/").status_code == 404
    assert login("cadre").get(f"/dashboard/{GUHE}/targets/").status_code == 404


def test_monthly_report_pdf_of_a_town(october, login):
    response = login("leader").get(f"/dashboard/{TUYUAN}/report.pdf", {"start": "2026-10-01"})
    assert response["Content-Type"] == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "调解成功率" in text and "古河村" in text and "案件D" in text
    assert login("leader").get(f"/dashboard/{GUHE}/report.pdf").status_code == 404


def test_the_export_and_target_pages_render(login):
    client = login("admin")
    assert "矛盾纠纷排查调处台账" in client.get("/dashboard/exports/").content.decode()
    assert "调解成功率" in client.get(f"/dashboard/{TUYUAN[:6]}/targets/").content.decode()
    county = client.get("/dashboard/")
    assert county.status_code == 200 and county.context["child_level"] == "town"


def test_the_town_page_reads_every_measure_in_a_few_statements(october, login, django_assert_max_num_queries):
    """One read of the case rollup and one grouped query per other measure (hazards, requests,
    patrols, and the seven of deliberation) for the period, the previous one and the twelve sparkline
    months together — not one batch per measure and period (108 statements before)."""
    rollup.refresh()
    client = login("leader")
    # 28 before the rollup knew its dirty months; each read of it now first asks, by primary key,
    # whether its months are dirty.
    with django_assert_max_num_queries(45) as captured:
        response = client.get("/dashboard/", OCTOBER)
    cards = {c.measure.key: c for c in response.context["cards"]}
    assert (cards["success"].figure.num, cards["success"].figure.den) == (4, 5)
    assert cards["success"].previous.num == 1 and len(cards["success"].series) == 12
    rollup_reads = [q for q in captured.captured_queries if "dashboards_measuremonth" in q["sql"]]
    assert len(rollup_reads) == 2  # the cards (all periods at once) and the ranking of villages


def test_the_filter_bar_keeps_its_choices_and_says_what_it_ignored(october, login, neighbours):
    client = login("leader")
    response = client.get("/dashboard/", {**OCTOBER, "category": neighbours.pk, "level": "town"})
    html = response.content.decode()
    assert f'<option value="{neighbours.pk}" selected>{neighbours.name}</option>' in html
    assert '<option value="town" selected>' in html and '<option value="month" selected>' in html
    assert response.context["filters"].category == neighbours.pk and response.context["filters"].level == "town"
    unknown = client.get("/dashboard/", {**OCTOBER, "category": "999999"})
    assert unknown.status_code == 200 and unknown.context["filters"].category is None  # the whole territory
    assert "category" in unknown.context["form"].errors
    assert f'类型：{unknown.context["form"].errors["category"][0]}' in unknown.content.decode()


def test_the_lists_link_each_case_with_its_level_and_state(october, login):
    response = login("leader").get("/dashboard/", OCTOBER)
    escalated = response.context["escalated"]
    assert len(escalated) == response.context["escalated_total"] == 3
    html = response.content.decode()
    for line in escalated:
        case = Case.objects.get(number=line.number)
        assert line.url == f"/cases/{case.pk}/" and f'<a href="{line.url}">{case.number}</a>' in html
        assert (line.level, line.state) == (case.get_level_display(), case.get_state_display())
