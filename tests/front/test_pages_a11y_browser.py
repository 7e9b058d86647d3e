"""Every main page at phone and desktop size: a screenshot each, every control labelled, touch
targets of at least 44 px on the phone, and nothing refused by the Content-Security-Policy."""

import pytest

from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser

PAGES = {"home": "/", "cases": "/cases/", "register": "/cases/new/", "inbox": "/inbox/"}
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}

UNLABELLED = """() => Array.from(document.querySelectorAll('main input, main select, main textarea, main button'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.textContent || '').trim())
  .map(el => el.outerHTML.slice(0, 120))"""

# A checkbox is tapped through its label, so the label is its target.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll('main button, main .button, main input[type=checkbox], main select'))
  .filter(el => el.offsetParent !== null)
  .map(el => [el.outerHTML.slice(0, 80), (el.type === 'checkbox' && el.closest('label') || el).getBoundingClientRect().height])
  .filter(([, h]) => h < 44)"""


@pytest.mark.parametrize("size", SIZES)
def test_main_pages_are_labelled_touchable_and_photographed(browser, live_url, committed, make_case, size):
    make_case(title="截图用的纠纷")
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    blocked = []  # the Content-Security-Policy refusing something a page needs
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    try:
        log_in(page, live_url, "worker")
        for name, path in PAGES.items():
            page.goto(f"{live_url}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"page-{name}-{size}.png"), full_page=True)
            assert page.evaluate(UNLABELLED) == [], name
            if size == "phone":
                assert page.evaluate(SMALL_TARGETS) == [], name
        assert blocked == []
    finally:
        context.close()
