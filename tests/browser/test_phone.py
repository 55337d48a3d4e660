"""At a phone's width (390 x 844, Chromium) nothing in any page's main content is cut off.

Per page, with every formula typeset and every exercise solution opened: no element inside
the main content reaches past the viewport's right edge (hidden elements, such as the
closed table-of-contents drawer, aside) unless it sits inside a scroll box
(an ancestor with overflow-x auto or scroll whose own box fits the viewport and whose
scroll width reaches the element), and the
document itself does not scroll sideways; and every box that does scroll sideways shows the
book's cue that it scrolls (mdlib-book.css: a shadow drawn as a radial-gradient background,
or a table's fading edge, a mask-image). Screenshots go to test-artifacts/phone/.
"""
import pytest

from test_offline import ARTIFACTS, CHROMIUM, FLAGS, PAGES, base_url  # noqa: F401

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
# Sub-pixel layout: half a pixel past the edge is rounding, not clipping.
SLACK = 0.5

# Elements of the main content whose right edge passes the viewport and that no fitting
# scroll box holds. Screen-reader-only MathML (clipped to nothing on purpose) is not shown.
OVERFLOWING = """([width, slack]) => {
    const main = document.querySelector('#main-content') || document.body;
    const scrolls = el => /^(auto|scroll)$/.test(getComputedStyle(el).overflowX);
    const out = [];
    for (const el of main.querySelectorAll('*')) {
        if (el.closest('mjx-assistive-mml')) continue;
        // Not shown: the theme's closed off-canvas drawers (visibility: hidden).
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.right <= width + slack) continue;
        let held = false;
        for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
            // A scroll box holds it if the box fits and can scroll far enough to show it.
            const b = a.getBoundingClientRect();
            if (scrolls(a) && b.right <= width + slack
                && r.right <= b.left + a.clientLeft + a.scrollWidth - a.scrollLeft + slack) { held = true; break; }
        }
        if (held) continue;
        const tag = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        out.push({tag, right: Math.round(r.right), parentOut: !!(el.parentElement
            && el.parentElement.getBoundingClientRect().right > width + slack)});
    }
    return out;
}"""


# Boxes that scroll sideways (overflow-x auto or scroll, content wider than the box) and show
# no cue that they do.
UNCUED = """() => {
    const main = document.querySelector('#main-content') || document.body;
    const out = [];
    for (const el of main.querySelectorAll('*')) {
        if (el.closest('mjx-assistive-mml')) continue;
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        const s = getComputedStyle(el);
        if (!/^(auto|scroll)$/.test(s.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
        const cue = /radial-gradient/.test(s.backgroundImage)
            || /gradient/.test(s.maskImage || s.webkitMaskImage || '');
        if (cue) continue;
        const tag = el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
            + (el.getAttribute('style') ? '[style="' + el.getAttribute('style').slice(0, 60) + '"]' : '');
        out.push({tag, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth});
    }
    return out;
}"""


@pytest.fixture(scope="module")
def phone():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = b.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1,
                                is_mobile=True, has_touch=True)
        yield context
        context.close()
        b.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_nothing_is_cut_off_at_390px(phone, base_url, page_path):  # noqa: F811
    page = phone.new_page()
    page.goto(base_url + page_path, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                  "? MathJax.startup.promise.then(() => true) : true")
    page.evaluate("() => window.MathJax && MathJax.startup.document.lazyTypesetAll ? "
                  "MathJax.startup.document.lazyTypesetAll().then(() => true) : true")
    # Solutions and other collapsed parts open, as a reader would open them.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(100)
    (ARTIFACTS / "phone").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone" / (page_path.replace("/", "__") + ".png")), full_page=True)

    out = page.evaluate(OVERFLOWING, [WIDTH, SLACK])
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    uncued = page.evaluate(UNCUED)
    page.close()
    outermost = [o for o in out if not o["parentOut"]]
    print(f"{page_path}: {len(out)} elements past {WIDTH}px ({len(outermost)} outermost), "
          f"document scrollWidth {scroll_width}")
    assert not out, (f"{page_path}: {len(out)} elements pass the right edge outside a scroll box; "
                           f"outermost: {[(o['tag'][:80], o['right']) for o in outermost[:8]]}")
    assert scroll_width <= WIDTH, f"{page_path}: the page scrolls sideways (scrollWidth {scroll_width})"
    print(f"{page_path}: {len(uncued)} boxes scroll sideways with no cue")
    assert not uncued, f"{page_path}: boxes that scroll sideways with no visible cue: {uncued[:6]}"
