"""The book's PDF (`make pdf`, tools/pdf.py): run by `make pdf` after it builds _build/pdf/book.pdf.

Checks, with pypdf's text extraction: every chapter title of _toc.yml is in the text and is a
bookmark, no raw TeX is left, every stepper printed all its frames (each frame's caption, taken
from the built HTML where every frame is written out, is in the text), every exercise
solution and hidden code cell was printed open (a sentence or code line from inside each closed
<details> of the HTML is in the text), and the file is within its bytes-per-page budget.
Prints the page count.
"""
import functools
import re
import unicodedata
from pathlib import Path

import pytest

pytestmark = pytest.mark.pdf

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "book.pdf"
SITE = ROOT / "_build" / "html"
# Average bytes per PDF page. Text, vector pictures and the few plots come to about 21 KB a
# page (5,224,005 bytes for 252 pages, November 2026); the screen's scroll-box shadows, printed
# as a pattern each, made it 130 KB (35.8 MB for 275 pages). 50 KB leaves room for other fonts
# or a Chromium that writes PDFs a little differently, and still fails that kind of weight.
BUDGET_BYTES_PER_PAGE = 50_000
RAW_TEX = ["\\frac", "\\delta", "$$", "\\sum", "\\begin", "\\sigma", "\\partial"]


def squash(text):
    """Text without whitespace or soft hyphens, ligatures (ﬁ) spelled out: PDF extraction
    breaks lines where the page did."""
    return re.sub(r"[\s\u00ad]+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def book():
    from pypdf import PdfReader

    assert PDF.is_file(), "build the PDF first: make pdf"
    reader = PdfReader(PDF)
    text = "\n".join(page.extract_text() for page in reader.pages)
    print(f"{PDF.relative_to(ROOT)}: {len(reader.pages)} pages, {PDF.stat().st_size:,d} bytes")
    return reader, text, squash(text)


def pages():
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from pdf import toc_pages

    return toc_pages()


@functools.lru_cache(maxsize=None)
def soup(doc):
    from bs4 import BeautifulSoup

    return BeautifulSoup((SITE / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")


def title_of(doc):
    return soup(doc).select_one("article h1").get_text().replace("#", "").strip()


def test_page_count_reported(book):
    reader, _, _ = book
    assert len(reader.pages) >= len(pages()), "fewer PDF pages than book pages"


def test_bytes_per_page_within_budget(book):
    reader, _, _ = book
    size, n = PDF.stat().st_size, len(reader.pages)
    print(f"{size / n:,.0f} bytes per page")
    assert size <= BUDGET_BYTES_PER_PAGE * n, \
        f"{size:,d} bytes for {n} pages: {size / n:,.0f} a page > {BUDGET_BYTES_PER_PAGE:,d}"


@pytest.mark.parametrize("doc", pages())
def test_chapter_title_and_bookmark(book, doc):
    reader, _, flat = book
    title = title_of(doc)
    assert squash(title) in flat, f"{doc}: title {title!r} not in the PDF text"
    assert title in [item.title for item in reader.outline], f"{doc}: no bookmark {title!r}"


def test_no_raw_tex(book):
    """TeX commands appear only as often as the printed pages' code (<pre>) spells them."""
    _, text, _ = book
    code = "\n".join(pre.get_text() for doc in pages() for pre in soup(doc).select("pre"))
    raw = {t: (text.count(t), code.count(t)) for t in RAW_TEX if text.count(t) > code.count(t)}
    assert not raw, f"raw TeX outside code in the PDF (count in PDF, in code): {raw}"


@pytest.mark.parametrize("doc", pages())
def test_every_stepper_frame_printed(book, doc):
    _, _, flat = book
    steppers = soup(doc).select(".mdlib-stepper")
    missing = []
    for i, stepper in enumerate(steppers):
        frames = stepper.select("[data-frame]")
        for frame in frames:
            caption = frame.find("p").get_text(" ")
            if squash(caption) not in flat:
                missing.append(f"stepper {i}, frame {frame['data-frame']} of {len(frames)}: {caption!r}")
    print(f"{doc}: {len(steppers)} steppers, "
          f"{sum(len(s.select('[data-frame]')) for s in steppers)} frames")
    assert not missing, f"{doc}: stepper frames not printed: {missing}"


def inside_text(details):
    """A piece of a closed <details>' content (not its summary) that prints as plain text:
    its longest line of code, or its longest run of prose between formulas."""
    code = [line for pre in details.select("pre") for line in pre.get_text().splitlines()
            if len(line.strip()) > 20]
    if code:
        return max(code, key=len)
    runs = [str(t) for t in details.find_all(string=True)
            if not any(p.name == "summary" or "math" in (p.get("class") or []) for p in t.parents)]
    return max(runs, key=lambda r: len(r.strip()), default="").strip()


@pytest.mark.parametrize("doc", pages())
def test_solutions_and_hidden_cells_printed(book, doc):
    _, _, flat = book
    hidden = soup(doc).select("details.sd-dropdown, details.hide")
    missing = []
    for details in hidden:
        piece = inside_text(details)
        assert piece, f"{doc}: nothing to look for in {details.get('class')}"
        if squash(piece) not in flat:
            missing.append(f"{' '.join(details.get('class'))}: {piece[:70]!r}")
    print(f"{doc}: {len(hidden)} solutions and hidden code cells")
    assert not missing, f"{doc}: not printed: {missing}"
