"""What a page does first as it loads (_ext/offline_assets.py), and that nothing is lost by
it. Orders and states only: no time is asserted.

- A picture held in the page (an <img> with a data: URL, the steppers' SVG frames) is loaded
  lazily (chapter 2's one far down the page is not loaded as the page loads), and every one of
  them, the print strips' copies included, is loaded once window.mdlibPrint.prepare() has
  run, as tools/pdf.py runs it before printing.
"""
import re

import pytest

from test_offline import PAGES, SITE, base_url, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_path", [p for p in PAGES if p.startswith("book/")])
def test_pictures_in_the_page_are_lazy(page_path):
    html = (SITE / page_path).read_text(encoding="utf-8")
    pictures = re.findall(r"<img\b[^>]*\ssrc=['\"]data:", html)
    assert all(re.search(r"\sloading=\"lazy\"", p) for p in pictures), \
        f"{page_path}: {sum('loading=' not in p for p in pictures)} of {len(pictures)} not lazy"


def test_a_picture_far_down_loads_only_for_print(browser, base_url):  # noqa: F811
    """Chapter 2's one picture left as an <img> (the others become inline SVG as the steppers'
    scripts run, mdlib.ui.svg) is about 23,000 px down the page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "book/02_backprop.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    query = """() => Array.from(document.querySelectorAll('img'))
        .filter(i => i.getAttribute('src').startsWith('data:'))
        .map(i => [i.loading, i.naturalWidth > 0])"""
    loaded = page.evaluate(query)
    page.evaluate("() => (window.mdlibPrint.prepare(), true)")
    printed = page.evaluate(query)
    page.close()
    assert loaded and all(how == "lazy" and not shown for how, shown in loaded), loaded
    assert printed and all(shown for _, shown in printed), printed
