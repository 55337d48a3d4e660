"""At a phone's width (390 x 844, Chromium) nothing in any page's main content is cut off.

Per page, with every formula typeset and every exercise solution opened: no element inside
the main content reaches past the viewport's right edge (hidden elements, such as the
closed table-of-contents drawer, aside) unless it sits inside a scroll box
(an ancestor with overflow-x auto or scroll whose own box fits the viewport and whose
scroll width reaches the element), and the
document itself does not scroll sideways; and every box that does scroll sideways shows the
book's cue that it scrolls (mdlib-book.css: a shadow drawn as a radial-gradient background,
or a table's fading edge, a mask-image). Screenshots go to test-artifacts/phone/.

Plots: every figure's image, as shown at 390 px, has text of at least 9 CSS px: its smallest
font size (an SVG's font-size attributes; a PNG's, recorded by mdlib.ui.plots in a tEXt chunk,
in points at the PNG's dpi) times the width Chromium draws it at over its own width.
"""
import base64
import io
import re
import urllib.parse

import pytest

from test_offline import (ARTIFACTS, CHROMIUM, FLAGS, PAGES, SITE, base_url,  # noqa: F401
                          open_typeset)

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

# Every figure's image: its source, the width it is drawn at and its own width.
# A picture held in the page (data: URL) loads as it nears the screen (loading="lazy",
# _ext/offline_assets.py): one not loaded yet is loaded now (as for print), and waited for.
FIGURE_IMAGES = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('article figure img')) {
    if (img.loading === 'lazy' && !img.naturalWidth) {
      img.loading = 'eager';
      await Promise.race([img.decode().catch(() => null),
                          new Promise(r => setTimeout(r, 5000))]);
    }
    out.push({src: img.getAttribute('src'), shown: img.getBoundingClientRect().width,
              natural: img.naturalWidth, id: (img.closest('figure') || {}).id || ''});
  }
  return out;
}"""
PNGS_OUTSIDE_FIGURES = """() => Array.from(document.querySelectorAll('article img'))
    .filter(img => /\\.png$/.test(img.getAttribute('src') || '') && !img.closest('figure'))
    .map(img => img.getAttribute('src'))"""
PLOT_TEXT_FLOOR_PX = 9
PNG_TEXT_KEY = "mdlib smallest text pt"  # mdlib.ui.plots.SMALLEST_TEXT_KEY


def smallest_text_css_px(page_path, image):
    """The smallest text of a figure's image in CSS px as drawn, or (None, why)."""
    src = image["src"]
    if src.startswith("data:image/svg+xml"):
        svg = urllib.parse.unquote(src.split(",", 1)[1])
        if ";base64" in src.split(",", 1)[0]:
            svg = base64.b64decode(src.split(",", 1)[1]).decode()
        width = float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+)', svg).group(1))
        sizes = [float(v) for v in re.findall(r'font-size[:=]\s*"?([\d.]+)', svg)]
        if not sizes:
            return None, "an SVG with no font-size"
        return min(sizes) * image["shown"] / width, f"SVG, smallest font-size {min(sizes):g} in {width:g}"
    from PIL import Image

    path = (SITE / page_path).parent / urllib.parse.unquote(src)
    png = Image.open(io.BytesIO(path.read_bytes()))
    recorded = png.text.get(PNG_TEXT_KEY) if hasattr(png, "text") else None
    if recorded is None:
        return None, f"a PNG ({png.width} px wide) that does not record its smallest text size"
    dpi = png.info.get("dpi", (72, 72))[0]
    return (float(recorded) * dpi / 72 * image["shown"] / png.width,
            f"PNG, smallest text {recorded} pt at {dpi:g} dpi in {png.width} px")


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
    # Solutions and other collapsed parts open, as a reader would open them.
    open_typeset(page, base_url + page_path, open_details=True)
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


@pytest.mark.parametrize("page_path", [p for p in PAGES if p.startswith("book/")])
def test_plot_text_is_readable_at_390px(phone, base_url, page_path):  # noqa: F811
    page = phone.new_page()
    page.goto(base_url + page_path, wait_until="load")
    page.wait_for_load_state("networkidle")
    images = page.evaluate(FIGURE_IMAGES)
    loose = page.evaluate(PNGS_OUTSIDE_FIGURES)
    page.close()
    assert not loose, f"{page_path}: plots outside a figure, not measured: {loose}"
    problems = []
    for image in images:
        assert image["natural"] > 0, f"{page_path}: {image['src'][:60]} did not load"
        px, how = smallest_text_css_px(page_path, image)
        print(f"{page_path} #{image['id']}: drawn {image['shown']:.0f} px wide; {how}: "
              + (f"smallest text {px:.1f} CSS px" if px is not None else "not measurable"))
        if px is None or px < PLOT_TEXT_FLOOR_PX:
            problems.append(f"#{image['id']}: {how}: "
                            + (f"{px:.1f} px" if px is not None else "no text size"))
    assert not problems, (f"{page_path}: plot text below {PLOT_TEXT_FLOOR_PX} CSS px at {WIDTH} px: "
                          + "; ".join(problems))
