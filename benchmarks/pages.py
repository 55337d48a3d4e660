"""The built book's weight per page: bytes transferred, DOM elements, MathJax typeset time.

For every page of a built site (default _build/html), served from 127.0.0.1 and opened in
Chromium: the bytes of every file the page loads (the files' sizes on disk, uncompressed, each
counted once), the number of DOM elements once MathJax and the explorables are done, and the
time from navigation start to MathJax's first typeset finishing (median of --runs loads).
MathJax typesets lazily (a formula as it comes near the screen): bytes and elements are given
as loaded, and again once every formula is typeset (as after scrolling through, or printing).
Bytes and elements are deterministic (the browser test asserts their budgets); the time depends
on the machine: read it, never assert it. "DOM ready" (DOMContentLoaded, median) is when
MathJax can start: MathJax's time is that plus loading its components and the first typeset.
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

# Runs in the page before its own scripts. At DOMContentLoaded the deferred startup.js has run,
# so MathJax.startup.promise exists and is still pending (MathJax typesets only once the DOM is
# ready): the time it resolves is recorded there and then. Asking for the time only after
# page.goto() returns would give the time of the question (after the load event) whenever
# MathJax had finished before the page's images and fonts.
MATHJAX_CLOCK = """document.addEventListener('DOMContentLoaded', () => {
  window.__mdlibDomReadyMs = performance.now();
  const startup = window.MathJax && MathJax.startup;
  if (startup && startup.promise) {
    startup.promise.then(() => { window.__mdlibMathJaxMs = performance.now(); });
  }
});"""
# Resolves when MathJax has typeset the page (or at once where the page has no MathJax);
# returns [milliseconds from navigation start to MathJax done (null without MathJax or if the
# clock was not set), to DOMContentLoaded].
MATHJAX_DONE = """() => ((window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise.then(() => window.__mdlibMathJaxMs ?? null) : Promise.resolve(null))
    .then(ms => [ms, window.__mdlibDomReadyMs ?? null])"""
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


def load(browser, base, site, path):
    """One load of a page: (bytes, elements, MathJax ms or None, {url: bytes}, bytes and elements
    once every formula is typeset, DOMContentLoaded ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(MATHJAX_CLOCK)
    urls = []
    page.on("requestfinished", lambda r: urls.append(r.url))
    page.goto(base + path, wait_until="load")
    mathjax_ms, dom_ready_ms = page.evaluate(MATHJAX_DONE)
    page.wait_for_load_state("networkidle")
    elements = page.evaluate(ELEMENTS)
    files = files_of(urls, base, site)
    page.evaluate("() => window.MathJax && MathJax.startup.document.lazyTypesetAll ? "
                  "MathJax.startup.document.lazyTypesetAll().then(() => true) : true")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    typeset = (sum(files_of(urls, base, site).values()), page.evaluate(ELEMENTS))
    context.close()
    return sum(files.values()), elements, mathjax_ms, files, typeset, dom_ready_ms


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
        print(f"{'page':32s} {'bytes':>10s} {'elements':>9s} {'MathJax ms':>11s} {'DOM ready':>10s}   "
              "all typeset: bytes, elements")
        for path in pages(site):
            runs = [load(browser, base, site, path) for _ in range(args.runs)]
            size, elements, _, files, (size_all, elements_all), _ = runs[0]
            times = [r[2] for r in runs if r[2] is not None]
            ready = [r[5] for r in runs if r[5] is not None and r[2] is not None]
            t = f"{statistics.median(times):.0f}" if times else "-"
            d = f"{statistics.median(ready):.0f}" if ready else "-"
            flags = ("" if size <= BUDGET_BYTES else " BYTES OVER") + ("" if elements <= BUDGET_NODES
                                                                       else " NODES OVER")
            print(f"{path:32s} {size:10,d} {elements:9,d} {t:>11s} {d:>10s}   {size_all:10,d} "
                  f"{elements_all:7,d}{flags}")
            if args.files:
                for name, n in sorted(files.items(), key=lambda kv: -kv[1])[:6]:
                    print(f"    {n:10,d}  {name}")
        browser.close()
    server.shutdown()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the end")
    print(f"budgets: {BUDGET_BYTES:,d} bytes, {BUDGET_NODES:,d} elements per page; "
          f"MathJax {BUDGET_MATHJAX_S:.0f} s median (a target, not asserted); MathJax ms and DOM "
          "ready: medians of the runs, from navigation start")


if __name__ == "__main__":
    main()
