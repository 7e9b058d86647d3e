"""The dashboard map's legends in a real browser: the heat scale, and the choropleth's value scale
with its steps, "no figure" and the areas named on the map (no basemap needed to read it)."""

import pytest

from geodata.models import Area, Level
from tests.conftest import ARTIFACTS, GUHE, TUYUAN

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_each_dashboard_layer_has_its_legend(browser, live_url, committed, make_case, viewport):
    for title in ("邻居因排水沟堵塞发生争吵", "宅基地边界争议", "噪音扰民"):
        make_case(title=title)  # three cases in 古河村, this month
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    try:
        page.goto(f"{live_url}/accounts/login/")
        page.fill("input[name=username]", "leader")
        page.fill("input[name=password]", "gridcase-demo")
        page.click("button[type=submit]")
        page.goto(f"{live_url}/dashboard/{TUYUAN}/?period=month", timeout=60_000)
        page.wait_for_selector("path.heat-cell", timeout=20_000)
        legend = page.locator("#map-legend")
        assert legend.is_visible() and "每格纠纷数：浅 1 → 深" in legend.inner_text()
        assert page.locator("#map-legend .ramp").is_visible()

        page.check('input[name="layer"][value="per_1000"]')
        page.wait_for_selector("#map-legend.choropleth-legend .step")
        text = legend.inner_text()
        assert "每千户登记纠纷数（颜色越深越多）" in text and "无数据" in text
        assert page.locator("#map-legend .step").count() == 6  # five steps from lowest to highest, and none
        assert not page.locator("#map-legend .ramp").is_visible()
        villages = Area.objects.filter(level=Level.VILLAGE, code__startswith=TUYUAN)
        labels = page.locator(".choropleth-label").all_inner_texts()
        assert len(labels) == villages.count()
        guhe = Area.objects.get(code=GUHE)
        assert any(label.startswith(guhe.name) and not label.endswith(" 0") for label in labels), labels
        page.locator("section.map-panel").screenshot(path=str(ARTIFACTS / f"dashboard-choropleth-legend-{viewport['width']}.png"))

        page.check('input[name="layer"][value="success"]')
        page.wait_for_function("() => document.getElementById('map-legend').textContent.includes('调解成功率')")
        assert "无数据" in legend.inner_text()  # nothing ended this month: no figure, said so

        page.check('input[name="layer"][value="heat"]')
        page.wait_for_function("() => !document.getElementById('map-legend').classList.contains('choropleth-legend')")
        assert "每格纠纷数" in legend.inner_text()
        assert errors == []
    finally:
        context.close()
