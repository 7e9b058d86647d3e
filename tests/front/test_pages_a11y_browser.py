"""Every main page at phone and desktop size: a screenshot each, every control labelled, text contrast
AA (4.5:1, 3:1 for large text) against its effective background, touch targets of at least 44 px on
the phone, and nothing refused by the Content-Security-Policy."""

import json
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser

# Who sees which page; "{case}" is the case made for the test.
PAGES = {
    "worker": {"home": "/", "cases": "/cases/", "register": "/cases/new/", "hazard-report": "/hazards/new/",
               "request-register": "/requests/new/", "case": "/cases/{case}/", "inbox": "/inbox/"},
    "leader": {"dashboard": "/dashboard/", "requests": "/requests/", "hazards": "/hazards/"},
}
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}

CONTRAST = (Path(__file__).parent / "contrast.js").read_text()

UNLABELLED = """() => Array.from(document.querySelectorAll('main input, main select, main textarea, main button'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.textContent || '').trim())
  .map(el => el.outerHTML.slice(0, 120))"""

# What one taps: buttons, button-links, fields, the links of the header and of navigation bars (links
# inside a sentence are exempt, WCAG 2.5.8). A checkbox or radio is tapped through its label.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'button, .button, main input:not([type=hidden]), main select, main textarea, header a, main nav a'))
  .filter(el => el.offsetParent !== null && !el.closest('.leaflet-container'))
  .map(el => [el.outerHTML.slice(0, 80),
              (['checkbox', 'radio'].includes(el.type) && el.closest('label') || el).getBoundingClientRect().height])
  .filter(([, h]) => h < 44)"""


def test_the_contrast_audit_computes_wcag_ratios(browser):
    """The audit itself, on colours whose ratios are known: #767676 on white is 4.54:1, #777777 4.48:1,
    #949494 3.03:1 (enough for large text only); white at 50% over #1f5fa8 is rgb(143, 175, 211.5), 2.27:1 against white."""
    page = browser.new_page()
    try:
        page.set_content("""<body style="background:#fff">
          <p style="color:#767676">够了</p><p style="color:#777777">差一点</p>
          <p style="color:#949494;font-size:24px">大字够了</p><p style="color:#949494">小字不够</p>
          <div style="background:#1f5fa8"><p style="background:rgba(255,255,255,.5);color:#fff">半透明底上的白字</p></div>
          <p style="color:#777777" hidden>看不见</p><button disabled style="color:#ccc">停用</button></body>""")
        failures = page.evaluate(CONTRAST)
    finally:
        page.close()
    assert [(words, ratio, needed, back) for _, words, ratio, needed, _, back in failures] == [
        ("差一点", 4.48, 4.5, "rgb(255, 255, 255)"),
        ("小字不够", 3.03, 4.5, "rgb(255, 255, 255)"),
        ("半透明底上的白字", 2.27, 4.5, "rgb(143, 175, 212)"),
    ]


@pytest.mark.parametrize("size", SIZES)
def test_main_pages_are_labelled_legible_touchable_and_photographed(browser, live_url, committed, make_case, size):
    case = make_case(title="截图用的纠纷")
    width, height = SIZES[size]
    problems, blocked = {}, []  # blocked: the Content-Security-Policy refusing something a page needs
    for username, pages in PAGES.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
        try:
            log_in(page, live_url, username)
            for name, path in pages.items():
                page.goto(f"{live_url}{path.format(case=case.pk)}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(ARTIFACTS / f"page-{name}-{size}.png"), full_page=True)
                found = {"unlabelled": page.evaluate(UNLABELLED), "contrast": page.evaluate(CONTRAST),
                         "small targets": page.evaluate(SMALL_TARGETS) if size == "phone" else []}
                problems.update({f"{name} {what}": found[what] for what in found if found[what]})
        finally:
            context.close()
    assert blocked == []
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
