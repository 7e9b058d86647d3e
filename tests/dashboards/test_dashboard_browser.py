"""The town leader's dashboard in a real browser: cards, trend, the heat layer and a choropleth."""

import pytest

from gridcase.accounts.models import User
from gridcase.dashboards.models import RollupState
from gridcase.hazards.models import HazardCategory
from gridcase.hazards.services import hazard_report
from tests.conftest import ARTIFACTS, TUYUAN
from tests.dashboards import scenario

pytestmark = pytest.mark.browser


def _log_in(page, live_url, username):
    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "gridcase-demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_leader_sees_kpis_and_the_heat_layer(browser, live_url, committed, make_case):
    RollupState.objects.all().delete()  # figures straight from the events these cases leave
    scenario.build(make_case)
    for day in (3, 10, 17):  # three more at one spot: a hot spot
        scenario.register(make_case, scenario.at(10, day), title=f"排水沟 {day}")
    worker = User.objects.get(username="worker")
    for day in (12, 13):  # two hazards at one spot
        scenario.act(scenario.at(10, day), hazard_report, actor=worker, title="楼道堆放杂物",
                     category=HazardCategory.objects.get(name="消防"),
                     location=worker.grids.order_by("code").first().geom.point_on_surface)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        _log_in(page, live_url, "leader")
        page.goto(f"{live_url}/dashboard/{TUYUAN}/?period=month&start=2026-10-01", timeout=60_000)
        success = page.locator('article.kpi[data-measure="success"]')
        assert success.locator(".value").inner_text() == "80.0%"
        assert "rag-red" in success.get_attribute("class")
        page.wait_for_selector("path.heat-cell", timeout=20_000)
        assert "共 9 件" in page.locator("#map-status").inner_text()
        page.wait_for_selector("table.hot-spots")
        assert "邻里纠纷" in page.locator("table.hot-spots").inner_text()
        success.locator("details.how summary").click()
        assert "调解成功件数" in success.locator("details.how p").inner_text()
        page.screenshot(path=str(ARTIFACTS / "dashboard-town.png"), full_page=True)
        page.locator("#dashboard-map").screenshot(path=str(ARTIFACTS / "dashboard-heat.png"))

        page.check('input[name="layer"][value="hazards"]')
        page.wait_for_function("() => document.getElementById('map-status').textContent.includes('隐患')")
        assert "共 2 件隐患" in page.locator("#map-status").inner_text()
        assert "每格隐患数" in page.locator("#map-legend").inner_text() and page.locator("#map-legend").is_visible()
        page.check('input[name="layer"][value="tracks"]')
        page.wait_for_function("() => document.getElementById('map-status').textContent.includes('巡逻')")
        assert "共 0 次巡逻" in page.locator("#map-status").inner_text()

        page.check('input[name="layer"][value="success"]')
        page.wait_for_selector("path.choropleth-area")
        page.locator("#dashboard-map").screenshot(path=str(ARTIFACTS / "dashboard-choropleth.png"))

        page.click("#ranking-success a >> text=古河村")
        page.wait_for_url(f"**/dashboard/{TUYUAN}210/**")
        assert page.locator("h1").inner_text().startswith("古河村")
        assert errors == []
    finally:
        context.close()
