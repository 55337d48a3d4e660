"""`make pdf`: the whole book as one PDF, offline: _build/pdf/book.pdf.

Serves _build/html from 127.0.0.1, opens every page of _toc.yml in its order in Chromium
(Playwright, /usr/bin/chromium), typesets every formula (MathJax's lazy typesetting is forced
for the whole page, then the script checks none is left), lays the page out for paper
(window.mdlibPrint.prepare(), _ext/print_view.py: every stepper frame, opened solutions),
prints it with page.pdf() and merges the pages with pypdf, one bookmark per chapter.
Any request outside the site fails the run. Prints the page count, the size and the time.
"""
import functools
import http.server
import io
import sys
import threading
import time
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "pdf" / "book.pdf"
CHROMIUM = "/usr/bin/chromium"
PAPER, PAPER_WIDTH_MM = "A4", 210
MARGIN_MM = {"top": 15, "bottom": 15, "left": 14, "right": 14}
# The printed column, in CSS pixels (96 per inch): what the page is laid out in on paper
# (tests/browser/test_print.py lays pages out at this width).
COLUMN_PX = (PAPER_WIDTH_MM - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def toc_pages(toc_file=ROOT / "_toc.yml"):
    """The documents of _toc.yml in reading order (root first)."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def print_page(page, base, url):
    outside = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:", "about:"))
            else outside.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                  "? MathJax.startup.promise.then(() => true) : true")
    # Every formula, not only those near the screen (MathJax's ui/lazy).
    page.evaluate("() => window.MathJax && MathJax.startup.document.lazyTypesetAll ? "
                  "MathJax.startup.document.lazyTypesetAll().then(() => true) : true")
    page.wait_for_load_state("networkidle")
    untyped = page.evaluate("""() => Array.from(document.querySelectorAll('.math'))
        .filter(e => !e.querySelector('mjx-container mjx-math') && !e.closest('mjx-container'))
        .map(e => e.textContent.slice(0, 60))""")
    if untyped:
        raise SystemExit(f"{url}: formulas left untypeset: {untyped[:3]}")
    if outside:
        raise SystemExit(f"{url} requested outside the site: {outside}")
    page.evaluate("() => window.mdlibPrint ? (window.mdlibPrint.prepare(), true) : false") or \
        sys.exit(f"{url}: no window.mdlibPrint (is _ext/print_view.py in _config.yml?)")
    page.emulate_media(media="print")
    title = page.evaluate("() => (document.querySelector('article h1') || {}).textContent || document.title")
    pdf = page.pdf(format=PAPER, print_background=True,
                   margin={side: f"{mm}mm" for side, mm in MARGIN_MM.items()},
                   display_header_footer=True, header_template="<span></span>",
                   footer_template="<div style='font-size:8px;width:100%;text-align:center'>"
                                   "<span class='pageNumber'></span></div>")
    return title.replace("#", "").strip(), pdf


def main():
    from playwright.sync_api import sync_playwright

    if not (SITE / "index.html").is_file():
        sys.exit("build the book first: make book")
    start = time.perf_counter()
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    writer = PdfWriter()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            for doc in toc_pages():
                context = browser.new_context(viewport={"width": 1100, "height": 900})
                page = context.new_page()
                title, pdf = print_page(page, base, base + doc + ".html")
                context.close()
                first = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(pdf)))
                writer.add_outline_item(title=title, page_number=first)
                print(f"{doc}: {len(writer.pages) - first} pages ({title})")
            browser.close()
    finally:
        server.shutdown()
    writer.add_metadata({"/Title": yaml.safe_load((ROOT / "_config.yml").read_text())["title"]})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as f:
        writer.write(f)
    print(f"{OUT.relative_to(ROOT)}: {len(writer.pages)} pages, {OUT.stat().st_size:,d} bytes, "
          f"built in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
