"""At a desktop's 1440 x 900 (Chromium) nothing in a chapter's main content needs a sideways
scroll: every code cell, output and listing (88 characters, also inside an exercise's
collapsible solution), display formula, inline formula and table fits the text column. At
laptop widths (1366, 1280, 1024 px: a text column of 666 to 753 px) every code box still
fits: the code's font shrinks with its column (mdlib-book.css), at least 11 px.

A phone may scroll a wide formula or table inside its box (test_phone.py); on a desktop that
scroll hides the end of an assert or a table's last column behind a cue most readers never
try. Per page, with every formula typeset and every collapsible box opened: no element of
the main content whose overflow-x is auto or scroll is wider inside than its box (an inline
formula may overhang by one pixel of rounding).
"""
import pytest

from test_offline import PAGES, base_url, browser, open_typeset  # noqa: F401

pytestmark = pytest.mark.browser

HEIGHT = 900
# Width: what must fit ('*': everything; 'pre': code boxes).
WIDTHS = [(1440, "*"), (1366, "pre"), (1280, "pre"), (1024, "pre")]

SCROLLING = """(what) => {
    const main = document.querySelector('#main-content') || document.body;
    const out = [];
    for (const el of main.querySelectorAll(what)) {
        if (el.closest('mjx-assistive-mml')) continue;
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        if (!/^(auto|scroll)$/.test(getComputedStyle(el).overflowX)) continue;
        // An inline formula's last italic glyph may overhang its box by a pixel (the
        // layout rounds; a 1 px scroll hides nothing); any other box must fit exactly:
        // a table 1 px too wide already fades its last column out.
        const slack = el.matches('span.math') ? 1 : 0;
        if (el.scrollWidth <= el.clientWidth + slack) continue;
        const section = el.closest('section');
        const heading = section && section.querySelector('h1, h2, h3');
        out.push({tag: el.tagName.toLowerCase() + '.' + el.className,
                  scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                  under: heading ? heading.textContent.trim().slice(0, 50) : '',
                  text: el.textContent.trim().slice(0, 60)});
    }
    return out;
}"""


@pytest.mark.parametrize("width, what", WIDTHS)
@pytest.mark.parametrize("page_path", PAGES)
def test_nothing_scrolls_sideways_on_a_desktop(browser, base_url, page_path, width, what):  # noqa: F811
    if what == "pre" and not page_path.startswith(("book/0", "book/A1")):
        pytest.skip("code boxes: the chapters and Appendix A")
    context = browser.new_context(viewport={"width": width, "height": HEIGHT},
                                   device_scale_factor=1)
    page = context.new_page()
    open_typeset(page, base_url + page_path, open_details=True)
    out = page.evaluate(SCROLLING, what)
    boxes = page.evaluate("() => document.querySelectorAll('#main-content pre').length")
    smallest = page.evaluate("""() => Math.min(...Array.from(
        document.querySelectorAll('#main-content pre'), p => parseFloat(getComputedStyle(p).fontSize)))""")
    context.close()
    print(f"{page_path}: {boxes} code boxes (smallest font {smallest:.1f} px), "
          f"{len(out)} boxes ({what}) scroll sideways at {width}px")
    assert boxes or not page_path.startswith("book/0"), "a chapter without code: wrong page?"
    assert not boxes or smallest >= 11, f"{page_path}: code at {smallest} px"
    assert not out, (f"{page_path}: {len(out)} boxes scroll sideways at {width} px: "
                     + "; ".join(f"{o['tag'][:40]} {o['scrollWidth']} > {o['clientWidth']} "
                                 f"under '{o['under']}': {o['text']!r}" for o in out[:6]))
