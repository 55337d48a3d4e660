"""The book on paper, laid out as tools/pdf.py prints it (print media, the printed column's
width, every formula typeset, window.mdlibPrint.prepare()), per page it prints:

- nothing in the article paints a gradient or a mask: the screen's scroll-box shadows and
  fades (_ext/assets/mdlib-book.css) printed as one pattern each, thousands per chapter,
  and made the PDF seven times heavier (_ext/print_static/mdlib-print.css removes them);
- every stepper prints its frames in a strip, and no frame cuts its content: no element of a
  frame (with its outline) reaches past the frame's edges, no element inside clips what it
  holds (overflow not visible with content wider than its box), and every frame lies within
  the printed column.
"""
import sys
from pathlib import Path

import pytest

from test_offline import ROOT, base_url, browser  # noqa: F401

sys.path.insert(0, str(ROOT / "tools"))
from pdf import COLUMN_PX, toc_pages  # noqa: E402

# The pages tools/pdf.py prints.
PRINTED = [doc + ".html" for doc in toc_pages()]

pytestmark = pytest.mark.browser

# Sub-pixel layout: half a pixel past an edge is rounding, not cutting.
SLACK = 0.5

PAINTED = """() => Array.from(document.querySelectorAll('article, article *')).filter(e => {
    const cs = getComputedStyle(e);
    return cs.backgroundImage.includes('gradient') || (cs.maskImage && cs.maskImage !== 'none');
}).map(e => e.tagName.toLowerCase() + '.' + String(e.className).trim().split(/\\s+/).join('.'))"""

CUT = """([slack, column]) => {
    const out = [], article = document.querySelector('article').getBoundingClientRect();
    for (const frame of document.querySelectorAll('.mdlib-print-strip > [data-frame]')) {
        const f = frame.getBoundingClientRect();
        if (f.left < article.left - slack || f.right > article.left + column + slack) {
            out.push(`frame ${frame.dataset.frame} spans ${Math.round(f.left)}-${Math.round(f.right)}`);
        }
        for (const el of frame.querySelectorAll('*')) {
            const cs = getComputedStyle(el), r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            const ring = cs.outlineStyle === 'none' ? 0
                : parseFloat(cs.outlineWidth) + parseFloat(cs.outlineOffset);
            const name = el.tagName.toLowerCase();
            if (r.left - ring < f.left - slack || r.right + ring > f.right + slack) {
                out.push(`frame ${frame.dataset.frame}: ${name} at ${Math.round(r.left - ring)}-`
                         + `${Math.round(r.right + ring)} past the frame's ${Math.round(f.left)}-${Math.round(f.right)}`);
            }
            if (cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
                out.push(`frame ${frame.dataset.frame}: ${name} clips ${el.scrollWidth} px to ${el.clientWidth}`);
            }
        }
    }
    return out;
}"""


@pytest.mark.parametrize("page_path", PRINTED)
def test_print_layout_has_no_gradients_and_uncut_frames(browser, base_url, page_path):  # noqa: F811
    context = browser.new_context(viewport={"width": round(COLUMN_PX), "height": 1000})
    page = context.new_page()
    page.goto(base_url + page_path, wait_until="load")
    page.evaluate("() => window.MathJax ? MathJax.startup.promise"
                  ".then(() => MathJax.startup.document.lazyTypesetAll()).then(() => true) : true")
    page.evaluate("() => window.mdlibPrint.prepare()")
    page.emulate_media(media="print")
    painted = page.evaluate(PAINTED)
    steppers = page.evaluate("() => Array.from(document.querySelectorAll('.mdlib-stepper'))"
                             ".filter(s => s.querySelectorAll('[data-frame]').length > 1).length")
    strips = page.evaluate("() => document.querySelectorAll('.mdlib-stepper > .mdlib-print-strip').length")
    cut = page.evaluate(CUT, [SLACK, COLUMN_PX])
    context.close()
    print(f"{page_path}: {strips} print strips, {len(painted)} gradient or masked elements, {len(cut)} cuts")
    assert not painted, f"{page_path}: {len(painted)} elements print a gradient or mask, e.g. {painted[:5]}"
    assert strips == steppers, f"{page_path}: {steppers} steppers with frames, {strips} print strips"
    assert not cut, f"{page_path}: {len(cut)} cuts in printed stepper frames, e.g. {cut[:5]}"
