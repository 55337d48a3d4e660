"""The glossary's "defined in" entries link to the section that defines the term.

Read from the built book (_build/html), with no browser: every link in the glossary's article
must land on an element that exists (the page, then the id); every row of a table with a
"defined in" or "where in this book" column links each chapter it names, to a page of that
chapter, and to a section whose heading carries the number the link text gives ("§2.3",
"Exercise A.1"). Marked browser because it needs the built book, as the other tests here do.
"""
import re
import urllib.parse
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"
GLOSSARY = SITE / "book" / "A2_glossary.html"
WHERE_COLUMNS = {"defined in", "where in this book"}
# The pages of each chapter (the number or letter the glossary writes for it).
CHAPTER_PAGES = {"1": "01_notation.html", "2": "02_backprop.html", "3": "03_two_layer_shapes.html",
                 "4": "04_conv_pool.html", "A": "A1_gradient_checking.html"}


def soup_of(path, cache={}):
    if path not in cache:
        cache[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return cache[path]


def article(path):
    return soup_of(path).select_one("article.bd-article")


def resolve(href):
    """The page and the element a link in the glossary names (None where it does not exist)."""
    parts = urllib.parse.urlsplit(href)
    page = (GLOSSARY.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else GLOSSARY
    if not page.is_file():
        return page, None
    if not parts.fragment:
        return page, soup_of(page)
    return page, soup_of(page).find(id=urllib.parse.unquote(parts.fragment))


def where_cells():
    """(row's first cell text, its where-cell) for every row of the tables with such a column."""
    cells = []
    for table in article(GLOSSARY).find_all("table"):
        heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        if not heads or heads[-1] not in WHERE_COLUMNS:
            continue
        for row in table.select("tbody tr"):
            tds = row.find_all("td")
            cells.append((tds[0].get_text(" ", strip=True)[:40], tds[-1]))
    return cells


def numbered_heading(section):
    """The heading of the section, or of the nearest enclosing section whose heading carries a
    number (a subsection such as "Softmax" belongs to "1.7 Activations ...")."""
    first = None
    while section is not None and section.name == "section":
        heading = section.find(re.compile("^h[1-6]$")).get_text(" ", strip=True)
        first = first or heading
        if re.match(r"^(?:Exercise )?[0-9A]+\.[0-9]+ ", heading):
            return heading
        section = section.find_parent("section")
    return first or ""


def test_the_glossary_was_built():
    assert GLOSSARY.is_file(), "build the book first: make book"


def test_every_link_in_the_glossary_lands_on_an_existing_anchor():
    links = [a["href"] for a in article(GLOSSARY).find_all("a", href=True)
             if not urllib.parse.urlsplit(a["href"]).scheme]
    assert len(links) >= 150, f"only {len(links)} local links in the glossary"
    broken = []
    for href in links:
        page, target = resolve(href)
        if target is None:
            broken.append(f"{href} ({'no page ' + str(page.relative_to(SITE)) if not page.is_file() else 'no such id'})")
    assert not broken, f"{len(broken)} glossary links go nowhere: {broken[:10]}"


def test_every_entry_links_each_chapter_it_names_to_the_defining_section():
    cells = where_cells()
    assert len(cells) >= 150, f"only {len(cells)} glossary entries with a 'defined in' column"
    problems = []
    for term, cell in cells:
        text = cell.get_text(" ", strip=True)
        named = re.findall(r"\b(?:Chapters?|Appendix)\s+((?:[0-9A](?:\s*\([^)]*\))?(?:,\s*)?)+)", text)
        chapters = re.findall(r"(?:^|,\s*)([0-9A])\b", ",".join(named)) if named else []
        links = cell.find_all("a", href=True)
        if not links:
            problems.append(f"{term!r}: {text!r} links nowhere")
            continue
        if len(links) < len(chapters):
            problems.append(f"{term!r}: {text!r} names {len(chapters)} chapters, links {len(links)}")
        for a in links:
            label = a.get_text(" ", strip=True)
            chapter = re.match(r"^(?:Chapter |Appendix )?([0-9A])\b", label)
            page, target = resolve(a["href"])
            if chapter is None or target is None:
                problems.append(f"{term!r}: link {label!r} -> {a['href']} does not resolve")
                continue
            if page.name != CHAPTER_PAGES[chapter.group(1)]:
                problems.append(f"{term!r}: link {label!r} goes to {page.name}")
            if target.name == "span" and not target.contents:   # a label's id, first in its section
                target = target.parent
            if target is None or target.name != "section":
                problems.append(f"{term!r}: link {label!r} does not land on a section")
                continue
            number = re.search(r"§([0-9A]+\.[0-9]+)|(Exercise [0-9A]+\.[0-9]+)", label)
            heading = numbered_heading(target)
            if number and not heading.startswith(number.group(1) or number.group(2)):
                problems.append(f"{term!r}: link {label!r} lands on the section {heading!r}")
    assert not problems, f"{len(problems)} problems: " + "; ".join(problems[:10])
