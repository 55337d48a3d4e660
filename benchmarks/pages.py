"""The built book's weight per page: bytes transferred, DOM elements, MathJax typeset time.

For every page of a built site (default _build/html), served from 127.0.0.1 and opened in
Chromium (1280x900, scrolled to the top): the bytes of every file the page loads (the files'
sizes on disk, uncompressed, each counted once), the number of DOM elements once MathJax and
the explorables are done, and MathJax's time (median of --runs loads, from navigation start):
- "MathJax ms" is when MathJax has typeset every formula on the screen: the last time a
  formula drawn in the first 900 px (its container in the viewport, not display: none)
  entered the document typeset. MathJax typesets lazily (ui/lazy): its first pass, which
  startup.promise waits for, only puts an empty marker where each formula goes; the formulas
  near the screen are typeset after that, when an IntersectionObserver has seen them.
  A page with no formula on screen counts as done when startup.promise resolves. A container
  is noted whether it is added itself, inside something added, or filled in place.
- "runs" says how many loads gave a MathJax time ("5/5"), and why the others did not ("4/5,
  1 timed out": a formula on the screen was still a lazy marker after 15 s; "unnoted": one
  was typeset with no time noted). The medians are of the runs that gave one.
- "startup" is when MathJax.startup.promise resolves (components loaded, the marker pass
  done): this benchmark's MathJax time before it measured the formulas on screen.
- "DOM ready" is DOMContentLoaded, when MathJax can start (startup.js is deferred).
Bytes and elements are given as loaded, and again once every formula is typeset (as after
scrolling through, or printing). Bytes and elements are deterministic (the browser test
asserts their budgets); the times depend on the machine and on its load (printed at the start
and the end): read them, never assert them.
Usage: .venv/bin/python benchmarks/pages.py [SITE] [--runs N]
"""
import argparse
import functools
import http.server
import os
import statistics
import threading
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGET_BYTES, BUDGET_NODES, BUDGET_MATHJAX_S = 2_500_000, 12_000, 1.0

# Runs in the page before its own scripts. From DOMContentLoaded (MathJax typesets only once
# the DOM is ready; the deferred startup.js has run, so MathJax.startup.promise exists) a
# MutationObserver notes the time each MathJax container is first seen in the document holding
# typeset math rather than a lazy-typesetting marker (<mjx-lazy>): a container added itself,
# one inside anything added (a container added in one piece with others, an explorable's
# picture), and one whose content is added in place. Noted in the page as it happens: asking
# for the time only after page.goto() returns would give the time of the question.
MATHJAX_CLOCK = """document.addEventListener('DOMContentLoaded', () => {
  const clock = window.__mdlibClock = {domReady: performance.now()};
  const note = (c, now) => {
    if (c.__mdlibTypeset === undefined && c.firstElementChild && !c.querySelector('mjx-lazy')) {
      c.__mdlibTypeset = now;
    }
  };
  new MutationObserver(records => {
    const now = performance.now();
    for (const r of records) {
      if (!r.addedNodes.length) continue;
      const around = r.target.nodeType === 1 ? r.target.closest('mjx-container') : null;
      if (around) note(around, now);
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.nodeName === 'MJX-CONTAINER') note(n, now);
        if (n.firstElementChild) for (const c of n.querySelectorAll('mjx-container')) note(c, now);
      }
    }
  }).observe(document.body, {subtree: true, childList: true});
  const startup = window.MathJax && MathJax.startup;
  if (startup && startup.promise) {
    startup.promise.then(() => { clock.startup = performance.now(); });
  }
});"""
# Resolves once MathJax's startup.promise has (at once where the page has no MathJax).
MATHJAX_STARTED = """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise.then(() => true) : Promise.resolve(false)"""
# The formulas on the screen: [how many, how many still lazy markers, the last time one of
# them was typeset (null if none was), how many typeset with no time noted, startup ms,
# DOMContentLoaded ms]. A formula inside a section the browser skips (content-visibility:
# auto, mdlib-book.css: far from the screen) is not on it; asking checkVisibility, rather than
# for its box, does not make the browser lay that section out while MathJax works.
ON_SCREEN = """() => {
  const clock = window.__mdlibClock || {};
  let shown = 0, waiting = 0, last = null, unnoted = 0;
  for (const c of document.querySelectorAll('mjx-container')) {
    if (c.checkVisibility ? !c.checkVisibility({contentVisibilityAuto: true})
                          : !c.getClientRects().length) continue;
    const r = c.getBoundingClientRect();
    if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) continue;
    shown += 1;
    if (c.querySelector('mjx-lazy')) { waiting += 1; continue; }
    if (c.__mdlibTypeset === undefined) { unnoted += 1; continue; }
    last = Math.max(last ?? 0, c.__mdlibTypeset);
  }
  return [shown, waiting, last, unnoted, clock.startup ?? null, clock.domReady ?? null];
}"""
ELEMENTS = "() => document.getElementsByTagName('*').length"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def pages(site):
    """Every page but a redirect (the root index.html only sends the browser on)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts
                  and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000].lower())


def files_of(urls, base, site):
    files = {}
    for url in urls:
        if url.startswith(base):
            local = urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))
            f = site / local
            if f.is_dir():
                f = f / "index.html"
            if f.is_file():
                files[local] = f.stat().st_size
    return files


POLLS, POLL_MS = 300, 50


def load(browser, base, site, path):
    """One load of a page: (bytes, elements, MathJax ms or None, {url: bytes}, bytes and elements
    once every formula is typeset, DOMContentLoaded ms, startup.promise ms, what went wrong:
    None, "timed out" (a formula on the screen still a lazy marker after POLLS polls) or
    "unnoted" (one typeset with no time noted: the clock missed it))."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(MATHJAX_CLOCK)
    urls = []
    page.on("requestfinished", lambda r: urls.append(r.url))
    page.goto(base + path, wait_until="load")
    mathjax_ms = startup_ms = dom_ready_ms = failed = None
    if page.evaluate(MATHJAX_STARTED):
        failed = "timed out"
        for _ in range(POLLS):        # polled; the times were noted in the page as they happened
            _, waiting, last, unnoted, startup_ms, dom_ready_ms = page.evaluate(ON_SCREEN)
            if not waiting:
                failed = "unnoted" if unnoted else None
                if not unnoted:
                    mathjax_ms = last if last is not None else startup_ms
                break
            page.wait_for_timeout(POLL_MS)
    page.wait_for_load_state("networkidle")
    elements = page.evaluate(ELEMENTS)
    files = files_of(urls, base, site)
    page.evaluate("() => window.MathJax && MathJax.startup.document.lazyTypesetAll ? "
                  "MathJax.startup.document.lazyTypesetAll().then(() => true) : true")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    typeset = (sum(files_of(urls, base, site).values()), page.evaluate(ELEMENTS))
    context.close()
    return (sum(files.values()), elements, mathjax_ms, files, typeset, dom_ready_ms, startup_ms,
            failed)


def runs_note(runs):
    """"5/5", or how many runs gave a MathJax time and why the others did not: "4/5, 1 timed
    out". A page without MathJax: "-"."""
    if all(r[2] is None and r[7] is None for r in runs):
        return "-"
    why = {}
    for r in runs:
        if r[7] is not None:
            why[r[7]] = why.get(r[7], 0) + 1
    good = sum(r[2] is not None for r in runs)
    return f"{good}/{len(runs)}" + "".join(f", {n} {reason}" for reason, n in sorted(why.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", action="store_true", help="list the largest files of each page")
    args = parser.parse_args()
    site = Path(args.site).resolve()
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the start")
        print(f"{'page':32s} {'bytes':>10s} {'elements':>9s} {'MathJax ms':>11s} {'startup':>8s} "
              f"{'DOM ready':>10s}   all typeset: bytes, elements   runs")
        for path in pages(site):
            runs = [load(browser, base, site, path) for _ in range(args.runs)]
            size, elements, _, files, (size_all, elements_all), _, _, _ = runs[0]

            def median(i):
                values = [r[i] for r in runs if r[i] is not None and r[2] is not None]
                return f"{statistics.median(values):.0f}" if values else "-"

            t, d, st = median(2), median(5), median(6)
            flags = ("" if size <= BUDGET_BYTES else " BYTES OVER") + ("" if elements <= BUDGET_NODES
                                                                       else " NODES OVER")
            print(f"{path:32s} {size:10,d} {elements:9,d} {t:>11s} {st:>8s} {d:>10s}   {size_all:10,d} "
                  f"{elements_all:7,d}   {runs_note(runs)}{flags}")
            if args.files:
                for name, n in sorted(files.items(), key=lambda kv: -kv[1])[:6]:
                    print(f"    {n:10,d}  {name}")
        browser.close()
    server.shutdown()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the end")
    print(f"budgets: {BUDGET_BYTES:,d} bytes, {BUDGET_NODES:,d} elements per page; "
          f"MathJax {BUDGET_MATHJAX_S:.0f} s median (a target, not asserted): MathJax ms is every "
          "formula on the screen typeset; startup is MathJax.startup.promise; all three are medians "
          "of the runs, from navigation start")


if __name__ == "__main__":
    main()
