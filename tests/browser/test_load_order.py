"""What a page does first as it loads (_ext/assets/mdlib-mathjax.js, _ext/offline_assets.py),
and that nothing is lost by it. Orders and states only: no time is asserted.

- MathJax's first lazy batch is the formulas on the screen; those just below it (within
  MathJax's 200 px margin) are typeset in a later batch, and are typeset: a browser window
  1280 x 900 at the top of the page, every formula in the margin was first seen typeset after
  every formula on the screen had been, and before the reader scrolled. With MathJax's own
  single observer both came in one batch (the margin ones no later than the screen's); with
  no margin at all those below the screen would still be waiting.
- MathJax looks for TeX only in the formulas' elements (startup.elements): every .math element
  of the page is typeset once lazyTypesetAll has run, and nothing outside them is.
- MathJax's first pass (its startup typeset, which startup.promise waits for) finds the
  formulas outside the article (the sidebar's contents) and the article's first 100 only: on
  chapter 4 (about 860 formulas) no more than that have their MathJax container when
  startup.promise resolves, and every formula of the page has one once the screen is typeset
  (the others are found then); lazyTypesetAll, called at once, still typesets every one
  (test_tex_is_looked_for_in_the_formulas_only).
- The theme's scripts (bootstrap.js, then pydata-sphinx-theme.js) run once the formulas on
  the screen are typeset (at the top of a page, and at an anchor far down: the first pass
  then finds the formulas from just above the anchor), after DOMContentLoaded (deferred, they ran before it, and MathJax
  waits for it), and the theme still works: its tooltips are set up and the colour-mode
  button switches the mode. A page without MathJax (the search page) runs them as before.
- A picture held in the page (an <img> with a data: URL, the steppers' SVG frames) is loaded
  lazily (chapter 2's one far down the page is not loaded as the page loads), and every one of
  them, the print strips' copies included, is loaded once window.mdlibPrint.prepare() has
  run, as tools/pdf.py runs it before printing.
"""
import re

import pytest

from test_offline import PAGES, SITE, base_url, browser  # noqa: F401

pytestmark = pytest.mark.browser

# Runs before the page's scripts: the first time each MathJax container is seen holding typeset
# math (a MutationObserver's callback, once per batch of changes), as a batch number.
BATCHES = """document.addEventListener('DOMContentLoaded', () => {
  window.__batch = 0;
  const note = c => {
    if (c.__batch === undefined && c.firstElementChild && !c.querySelector('mjx-lazy')) {
      c.__batch = window.__batch;
    }
  };
  new MutationObserver(records => {
    window.__batch += 1;
    for (const r of records) {
      const around = r.target.nodeType === 1 ? r.target.closest('mjx-container') : null;
      if (around) note(around);
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.nodeName === 'MJX-CONTAINER') note(n);
        if (n.firstElementChild) for (const c of n.querySelectorAll('mjx-container')) note(c);
      }
    }
  }).observe(document.body, {subtree: true, childList: true});
});"""

# [batches of the formulas on the screen], [batches of those in the 200 px below it, null if
# still waiting]; formulas in sections the browser skips are neither.
SCREEN_AND_MARGIN = """() => {
  const screen = [], margin = [];
  for (const c of document.querySelectorAll('mjx-container')) {
    if (!c.checkVisibility({contentVisibilityAuto: true})) continue;
    const r = c.getBoundingClientRect();
    if (r.bottom <= 0 || r.right < 0 || r.left > innerWidth || r.height === 0) continue;
    if (r.top < innerHeight) screen.push(c.__batch ?? null);
    else if (r.top < innerHeight + 200) margin.push(c.__batch ?? null);
  }
  return [screen, margin];
}"""

STARTED = ("() => MathJax.startup.promise.then(() => new Promise(r => setTimeout(r, 1500)))"
           ".then(() => true)")


@pytest.mark.parametrize("page_path", ["book/01_notation.html", "book/03_two_layer_shapes.html"])
def test_the_screen_is_typeset_first_then_the_margin(browser, base_url, page_path):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(BATCHES)
    page.goto(base_url + page_path, wait_until="load")
    page.evaluate(STARTED)
    screen, margin = page.evaluate(SCREEN_AND_MARGIN)
    margin_option = page.evaluate("() => MathJax.startup.document.lazyObserver.rootMargin")
    context.close()
    print(page_path, "screen", screen, "margin", margin, margin_option)
    assert screen and margin, f"{page_path}: needs formulas on the screen and just below it"
    assert None not in screen, f"{page_path}: formulas on the screen left waiting: {screen}"
    assert None not in margin, f"{page_path}: formulas within 200 px below the screen left " \
                               f"waiting: {margin}"
    assert min(margin) > max(screen), \
        f"{page_path}: formulas below the screen typeset with the screen's: {screen} {margin}"
    assert margin_option.split()[2] == "200px", margin_option


@pytest.mark.parametrize("page_path", [p for p in PAGES if p.startswith("book/")])
def test_tex_is_looked_for_in_the_formulas_only(browser, base_url, page_path):  # noqa: F811
    page = browser.new_page()
    page.goto(base_url + page_path, wait_until="load")
    found = page.evaluate("""() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
        ? MathJax.startup.promise.then(() => MathJax.startup.document.lazyTypesetAll())
          .then(() => [MathJax.config.startup.elements,
                       document.querySelectorAll('.math').length,
                       Array.from(document.querySelectorAll('.math')).filter(
                           e => !e.closest('mjx-container') && !e.querySelector('mjx-math')).length,
                       Array.from(document.querySelectorAll('mjx-container')).filter(
                           c => !c.closest('.math')).length])
        : null""")
    page.close()
    if found is None:
        pytest.skip(f"{page_path} loads no MathJax")
    elements, formulas, untypeset, outside = found
    assert elements == [".math"], elements
    assert formulas > 0 and untypeset == 0, found
    assert outside == 0, found


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


# Before the page's scripts: each theme script's load event (after it has run), with the batch
# of typeset formulas seen by then (-1: before DOMContentLoaded); and whether bootstrap was
# there at DOMContentLoaded.
THEME_RUNS = """window.__theme = [];
document.addEventListener('load', e => {
  const s = e.target;
  if (s.tagName === 'SCRIPT' && /scripts\\/(bootstrap|pydata-sphinx-theme)\\.js/.test(s.src)) {
    window.__theme.push([s.src.split('/').pop().split('?')[0], window.__batch ?? -1]);
  }
}, true);
document.addEventListener('DOMContentLoaded', () => { window.__bootstrapAtReady = typeof bootstrap; });"""
THEME_WORKS = """() => {
  const tip = document.querySelector('[data-bs-toggle="tooltip"]');
  const before = document.documentElement.dataset.mode;
  document.querySelector('.theme-switch-button').click();
  return [typeof bootstrap, !!(tip && bootstrap.Tooltip.getInstance(tip)), before,
          document.documentElement.dataset.mode];
}"""


# Also opened at an anchor far down (as the glossary's links open a chapter): the formulas
# there are found by the first pass too, and typeset before the theme's scripts run.
@pytest.mark.parametrize("page_path", ["book/01_notation.html", "book/04_conv_pool.html",
                                       "book/04_conv_pool.html#ch4-the-matrix-view-im2col",
                                       "book/02_backprop.html#ch2-fully-worked-example-by"])
def test_the_theme_scripts_run_after_the_screen_is_typeset(browser, base_url, page_path):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(BATCHES)
    page.add_init_script(THEME_RUNS)
    page.goto(base_url + page_path, wait_until="load")
    page.evaluate(STARTED)
    screen, _ = page.evaluate(SCREEN_AND_MARGIN)
    runs, at_ready = page.evaluate("window.__theme"), page.evaluate("window.__bootstrapAtReady")
    works = page.evaluate(THEME_WORKS)
    preloaded = page.evaluate("""() => Array.from(document.querySelectorAll('link[rel=preload]'))
        .map(l => l.href).filter(h => /scripts\\/(bootstrap|pydata-sphinx-theme)\\.js/.test(h))""")
    context.close()
    print(page_path, "screen", screen, "theme scripts", runs, "bootstrap at ready", at_ready, works)
    assert not preloaded, f"{page_path}: theme scripts preloaded, unused until typeset: {preloaded}"
    assert screen and None not in screen, f"{page_path}: formulas on the screen: {screen}"
    assert [name for name, _ in runs] == ["bootstrap.js", "pydata-sphinx-theme.js"], runs
    assert at_ready == "undefined", f"{page_path}: bootstrap.js ran before DOMContentLoaded"
    assert all(batch >= max(screen) for _, batch in runs), \
        f"{page_path}: theme scripts ran before the screen was typeset: {runs}, screen {screen}"
    kind, tooltips, before, after = works
    assert kind == "object" and tooltips, works
    assert before == "light" and after != before, f"{page_path}: the colour-mode button: {works}"


def test_a_page_without_mathjax_runs_the_theme_scripts(browser, base_url):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(THEME_RUNS)
    page.goto(base_url + "search.html", wait_until="load")
    has_mathjax = page.evaluate("() => !!(window.MathJax && MathJax.startup)")
    runs, works = page.evaluate("window.__theme"), page.evaluate(THEME_WORKS)
    page.close()
    assert not has_mathjax
    assert [name for name, _ in runs] == ["bootstrap.js", "pydata-sphinx-theme.js"], runs
    assert works[:2] == ["object", True] and works[3] != works[2], works


# At startup.promise: [formulas (.math), formulas with a MathJax container, of them outside the
# article]; noted in the page as it happens.
FOUND_AT_STARTUP = """document.addEventListener('DOMContentLoaded', () => {
  MathJax.startup.promise.then(() => {
    const math = Array.from(document.querySelectorAll('.math'));
    const found = math.filter(e => e.querySelector('mjx-container'));
    window.__found = [math.length, found.length,
                      found.filter(e => !e.closest('.bd-article')).length];
  });
});"""
FOUND_LATER = """() => new Promise(r => setTimeout(r, 1500)).then(() => {
  const math = Array.from(document.querySelectorAll('.math'));
  return [math.length, math.filter(e => e.querySelector('mjx-container')).length];
})"""


def test_the_first_pass_finds_the_top_of_the_page_only(browser, base_url):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(FOUND_AT_STARTUP)
    page.goto(base_url + "book/04_conv_pool.html", wait_until="load")
    page.evaluate(STARTED)
    total, found, outside = page.evaluate("window.__found")
    screen, _ = page.evaluate(SCREEN_AND_MARGIN)
    later = page.evaluate(FOUND_LATER)
    context.close()
    print("formulas", total, "found by the first pass", found, f"({outside} outside the article)",
          "later", later, "screen", len(screen))
    assert total > 500, total
    assert found - outside == 100, f"first pass found {found - outside} of the article's {total}"
    assert later == [total, total], f"formulas never found: {later}"
