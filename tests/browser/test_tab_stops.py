"""Every box that scrolls has a tab stop by the time the Tab key moves the focus.

_ext/assets/mdlib-book.js gives a scroll box its tab stop as it comes near the screen, so a
page that has just loaded has checked only the boxes near the top. Before the Tab key moves the
focus, it checks every box of the page: on a phone (390 px, where most wide formulas, tables
and code scroll), once the page has loaded and one Tab has been pressed, every element of the
article that scrolls (overflow auto or scroll, content wider or taller than its box) must be in
the tab order, however far down the page it is. No call to window.mdlibTabStops() here: that
is what test_axe.py uses.
"""
import pytest

from test_offline import CHROMIUM, FLAGS, base_url  # noqa: F401

pytestmark = pytest.mark.browser

# Chapters with the most scroll boxes far below the first screen.
TAB_PAGES = ["book/02_backprop.html", "book/04_conv_pool.html"]
UNREACHABLE = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.bd-article *')) {
    const s = getComputedStyle(el);
    const scrolls = (/auto|scroll/.test(s.overflowX) && el.scrollWidth > el.clientWidth)
      || (/auto|scroll/.test(s.overflowY) && el.scrollHeight > el.clientHeight);
    if (scrolls && el.tabIndex < 0) out.push(el.tagName + '.' + el.className + ': '
                                             + el.textContent.slice(0, 60));
  }
  return [out, document.querySelectorAll('.bd-article [tabindex="0"]').length];
}"""


@pytest.mark.parametrize("page_path", TAB_PAGES)
def test_every_box_that_scrolls_is_in_the_tab_order_when_tab_is_pressed(base_url, page_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = b.new_page(viewport={"width": 390, "height": 844})
        page.goto(base_url + page_path, wait_until="load")
        page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                      "? MathJax.startup.promise.then(() => true) : true")
        page.keyboard.press("Tab")
        unreachable, stops = page.evaluate(UNREACHABLE)
        b.close()
    assert stops > 0
    assert not unreachable, f"{page_path}: {len(unreachable)} boxes scroll with no tab stop: {unreachable[:5]}"
