"""benchmarks/pages.py's MathJax clock notes every typeset formula that appears on the screen,
and a run that times out is counted, not dropped.

A small page stands in for MathJax (its own MathJax.startup.promise; the containers are built
as MathJax builds them: a lazy marker <mjx-lazy>, or typeset math <mjx-math>) and adds, after
DOMContentLoaded, in separate tasks: a container on its own; one inside a block added in one
piece (as an explorable's picture would be); an empty container whose math is then added in
place; and a lazy marker below the screen, which must not count. The page writes down when it
added each one. The clock must note each on-screen container no earlier than it was added and
no later than the next task (the MutationObserver's callback runs in between), and the
benchmark's MathJax time is the last of them. A page whose formula on the screen stays a lazy
marker times out, and the report says so. Orders of events only: no time is asserted.
Needs no built book; marked browser because it drives Chromium, as the other tests here do.
"""
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("pages_benchmark", ROOT / "benchmarks" / "pages.py")
pages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pages)

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>clock</title>
<style>body { margin: 0; font: 16px serif; } .far { display: block; margin-top: 3000px; }</style>
<script>
let typeset;
window.MathJax = {startup: {document: {}, promise: new Promise(resolve => { typeset = resolve; })}};
window.added = {};
const math = () => '<mjx-math><mjx-mi>x</mjx-mi></mjx-math>';
const note = (name) => { added[name] = performance.now();
                         setTimeout(() => { added[name + ' next'] = performance.now(); }, 0); };
document.addEventListener('DOMContentLoaded', () => {
  const main = document.getElementById('main');
  setTimeout(() => {          // a container on its own
    const c = document.createElement('mjx-container');
    c.id = 'alone'; c.innerHTML = math();
    main.appendChild(c); note('alone');
  }, 20);
  setTimeout(() => {          // inside a block added in one piece
    const d = document.createElement('div');
    d.innerHTML = '<p>picture <mjx-container id="nested">' + math() + '</mjx-container></p>';
    main.appendChild(d); note('nested');
  }, 40);
  setTimeout(() => {          // an empty container, typeset in place later
    const c = document.createElement('mjx-container');
    c.id = 'inplace'; main.appendChild(c);
  }, 60);
  setTimeout(() => {
    document.getElementById('inplace').innerHTML = math(); note('inplace');
  }, 80);
  setTimeout(() => {          // below the screen, still a lazy marker
    const c = document.createElement('mjx-container');
    c.className = 'far'; c.innerHTML = '<mjx-lazy></mjx-lazy>';
    document.body.appendChild(c);
    typeset();
  }, 100);
});
</script></head><body><div id="main"><p>Formulas:</p></div>%s</body></html>"""
# The formula on the screen never leaves its lazy marker.
STUCK = '<mjx-container id="stuck"><mjx-lazy></mjx-lazy></mjx-container>'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("clock")
    (root / "clock.html").write_text(PAGE % "", encoding="utf-8")
    (root / "stuck.html").write_text(PAGE % STUCK, encoding="utf-8")
    server, base = pages.serve(root)
    yield root, base
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=pages.CHROMIUM, args=pages.FLAGS, headless=True)
        yield chromium
        chromium.close()


def test_every_formula_on_the_screen_is_noted(site, browser):
    root, base = site
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    page.add_init_script(pages.MATHJAX_CLOCK)
    page.goto(base + "clock.html", wait_until="load")
    assert page.evaluate(pages.MATHJAX_STARTED)
    page.wait_for_function("() => Object.keys(window.added).length === 6")
    shown, waiting, last, unnoted, _, _ = page.evaluate(pages.ON_SCREEN)
    noted = page.evaluate("""() => Object.fromEntries(['alone', 'nested', 'inplace'].map(
        id => [id, document.getElementById(id).__mdlibTypeset ?? null]))""")
    added = page.evaluate("() => window.added")
    far = page.evaluate("() => document.querySelector('.far').__mdlibTypeset ?? null")
    context.close()
    assert (shown, waiting, unnoted) == (3, 0, 0)
    for name, at in noted.items():
        assert at is not None, f"the clock missed the formula added {name}"
        assert added[name] <= at <= added[name + " next"], (name, added, at)
    assert last == max(noted.values())
    assert far is None, "a lazy marker was noted as typeset"


def test_a_run_that_times_out_is_reported(site, browser, monkeypatch):
    root, base = site
    monkeypatch.setattr(pages, "POLLS", 3)
    stuck = pages.load(browser, base, root, "stuck.html")
    fine = pages.load(browser, base, root, "clock.html")
    assert stuck[2] is None and stuck[7] == "timed out"
    assert fine[2] is not None and fine[7] is None
    assert pages.runs_note([fine, fine, stuck]) == "2/3, 1 timed out"
    assert pages.runs_note([fine]) == "1/1"
