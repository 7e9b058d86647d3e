"""The town leader prepares a meeting: this year's and last year's dashboard, each figure checked
against the list of cases behind it; the heat map and the choropleth with their legends; last
year's March report as PDF; a village's ledger exported by picking the village from the list.

The journey database holds the demo county; the months of 屠园镇's history this journey reads are
built before it starts (as `load_demo` builds them, through the case services) unless they are
there already. Other journeys add cases to 屠园镇 too: every check compares two things the page
shows at the same moment, never a number fixed in advance."""

import math
import re
import subprocess
import sys
from datetime import date, datetime, time
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.conftest import ARTIFACTS, ROOT, TUYUAN

SHOTS_TMP = ARTIFACTS / "town-leader"
LAST_YEAR = date.today().year - 1
THIS_YEAR = date.today().year
# The case cards with drill-down links, and the parts of each the journey follows.
CARDS = {"success": ("num", "den"), "local": ("num", "den"), "on_time": ("num", "den"),
         "satisfaction": ("num", "den"), "volume": ("num",), "escalated": ("num",), "recurrence": ("num",)}


def _history_windows(today: date) -> list[int]:
    """How many 30-day steps back each demo month starts: two that cover last year's March and one
    early this year (the demo builds a month as the 30 days from today − 30 k)."""
    march = math.ceil((today - date(LAST_YEAR, 3, 1)).days / 30)
    early = max(2, math.ceil((today - date(THIS_YEAR, 1, 20)).days / 30))
    return sorted({march, march - 1, early})


@pytest.fixture(scope="module")
def history(journey_stack):
    """屠园镇's cases of last year's March and of early this year, unless the database has them."""
    url, env = journey_stack
    script = (
        "from datetime import date\n"
        "from gridcase.cases import demo\n"
        "from gridcase.cases.models import Case\n"
        f"if not Case.objects.filter(town_code='{TUYUAN}', registered_at__year={LAST_YEAR},"
        " registered_at__month=3).exists():\n"
        f"    for k in {_history_windows(date.today())}:\n"
        f"        demo.build_month(month=k, months=2 * k, code='{TUYUAN}')\n"
    )
    # The history's alerts were told long ago: to the log, not to the robot and mailbox that the
    # alerts journey reads.
    quiet = {**env, "NOTIFICATION_CHANNELS": "gridcase.notifications.channels.LoggingChannel"}
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=quiet, check=True,
                   capture_output=True, text=True)


def _count_listed(page) -> int:
    """How many cases the case list says it holds ("共 N 件"), or 0 for its empty state."""
    if page.locator("main p.empty").count():
        return 0
    return int(re.search(r"共 (\d+) 件", page.locator("nav.pager").inner_text()).group(1))


def _pick_period(page, journey, kind: str, start: str):
    page.select_option("#id_period", kind)
    page.fill("#id_start", start)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    page.wait_for_selector(".kpis")


def _check_cards_against_lists(page, journey, label: str) -> dict:
    """Every followed figure equals the number of cases its drill-down link lists."""
    seen = {}
    for key, parts in CARDS.items():
        card = page.locator(f"article.kpi[data-measure={key}]")
        for part in parts:
            if len(parts) == 2:
                link = card.locator("p.basis a").nth(0 if part == "num" else 1)
            else:
                link = card.locator("p.value a")
            figure = int(re.search(r"\d+", link.inner_text()).group(0))
            link.click()
            page.wait_for_selector("p.basis-note")
            listed = _count_listed(page)
            if (key, part) == ("volume", "num"):
                journey.shot(page, f"{label}-registered-cases-list")
            assert listed == figure, f"{label}: {key}.{part} shows {figure}, its list holds {listed}"
            seen[f"{key}.{part}"] = figure
            page.go_back()
            page.wait_for_selector(".kpis")
    return seen


def test_the_town_leader_checks_the_dashboards_maps_report_and_ledger(journey, history):
    page = journey.open("leader", device="desktop", accept_downloads=True)
    page.click("header >> text=统计分析")
    page.wait_for_selector(".kpis")
    assert page.locator("h1").inner_text().startswith("屠园镇")
    journey.shot(page, "dashboard-this-month")

    # This year, then last year, picked in the filter bar; each figure against its list.
    _pick_period(page, journey, "year", f"{THIS_YEAR}-01-01")
    assert f"{THIS_YEAR}年" in page.locator("h1 small").inner_text()
    journey.shot(page, "dashboard-this-year", full_page=True)
    this_year = _check_cards_against_lists(page, journey, "this-year")

    _pick_period(page, journey, "year", f"{LAST_YEAR}-01-01")
    assert f"{LAST_YEAR}年" in page.locator("h1 small").inner_text()
    journey.shot(page, "dashboard-last-year", full_page=True)
    last_year = _check_cards_against_lists(page, journey, "last-year")
    assert last_year["volume.num"] > 0 and last_year["success.den"] > 0, last_year
    assert this_year["volume.num"] > 0, this_year

    # The trend names its months with their year and counts in whole cases.
    trend = page.locator("svg.trend")
    assert f"{LAST_YEAR}年" in trend.text_content()
    ticks = trend.locator("text.tick-cases").all_text_contents()
    assert ticks and all(t.isdigit() for t in ticks) and len(set(ticks)) == len(ticks), ticks

    # The heat map, then the choropleth of the villages, each with its legend.
    page.locator("#dashboard-map").scroll_into_view_if_needed()
    page.wait_for_selector("#dashboard-map path.heat-cell")
    legend = page.locator("#map-legend")
    assert legend.is_visible() and "每格纠纷数" in legend.inner_text()
    journey.shot(page, "heat-map-last-year")
    page.check("input[name=layer][value=success]")
    page.wait_for_selector("#dashboard-map path.choropleth-area")
    page.wait_for_function("() => document.querySelector('#map-legend-text').textContent.includes('调解成功率')")
    assert legend.is_visible() and "%" in legend.inner_text()
    journey.shot(page, "choropleth-success-rate")

    # No jargon: a leader reads plain Chinese.
    text = page.locator("main").inner_text()
    for word in ("ST_", "DBSCAN", "PostGIS", "墨卡托"):
        assert word not in text, word

    # Last year's March report: the month's figures, not zeros.
    _pick_period(page, journey, "month", f"{LAST_YEAR}-03-01")
    march_registered = int(re.search(r"\d+", page.locator("article[data-measure=volume] p.value").inner_text()).group(0))
    assert march_registered > 0
    journey.shot(page, "dashboard-last-march")
    # Headless Chromium's PDF viewer hides the file: fetch the link's target with the leader's session.
    href = page.locator("a", has_text="月报 PDF").get_attribute("href")
    answer = page.request.get(f"{journey.url}{href}")
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    pdf = SHOTS_TMP / "month-report.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(answer.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert f"{LAST_YEAR}年3月" in text
    assert re.search(rf"纠纷登记量\s+{march_registered} 件", text), text[:1500]
    assert re.search(r"调解成功率\s+\d+(\.\d)?%", text), text[:1500]
    _shoot_pdf(journey, page, pdf, "month-report")

    # A village's ledger: picked from the list, written in the background, opened.
    page.click("text=台账导出")
    page.select_option("#id_kind", label="矛盾纠纷排查调处台账")
    page.select_option("#id_area", label="\u3000古河村")
    page.fill("#id_start", f"{LAST_YEAR}-03-01")
    page.fill("#id_end", f"{LAST_YEAR}-03-31")
    journey.shot(page, "ledger-form")
    page.click("main form button[type=submit]")
    row = page.locator("tr.export").first
    row.locator(".download a").wait_for(timeout=60_000)
    assert "古河村" in row.inner_text()
    journey.shot(page, "ledger-ready")
    with page.expect_download() as download:
        row.locator(".download a").click()
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    for column in ("村（社区）", "网格", "办理层级", "受理日期", "结案日期"):
        assert column in header, header
    cases = rows[2:]
    expected = journey.sql(
        "SELECT number FROM cases_case WHERE village_code = %s AND registered_at >= %s AND registered_at < %s"
        " ORDER BY registered_at, id", f"{TUYUAN}210", _local(date(LAST_YEAR, 3, 1)), _local(date(LAST_YEAR, 4, 1)))
    assert [r[header.index("案件编号")] for r in cases] == [n for (n,) in expected]
    assert cases and all(r[header.index("村（社区）")] == "古河村" for r in cases)
    assert any(r[header.index("结案日期")] for r in cases)
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.freeze_panes == "C3"


def _local(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo("Asia/Shanghai"))


def _shoot_pdf(journey, page, pdf, step: str):
    """The PDF's first page as an image, to look at like the others."""
    out = journey.shot(page, step)  # reserve the step's name; replaced by the PDF's page below
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf), str(out.with_suffix(""))],
                   check=True)
    out.unlink()
