"""Sphinx extension: numbered figures per chapter, and search results that open at the match.

- Figures (a code cell's `mystnb: {figure: {caption, name}}` metadata wraps its output in a
  figure) are numbered per chapter, "Figure 2.1", "Figure A.1": the chapter's number is the
  one its title starts with ("2. Backpropagation ...", "A. Gradient checking"). With no
  numbered toctree Sphinx's numfig would count 1, 2, 3 ... through the whole book; this
  renumbers Sphinx's own table (env.toc_fignumbers), which both the captions and {numref}
  read, in each page's order.
- Search: Sphinx's search page hands the terms to the page it opens (sphinx_highlight.js marks
  them with span.highlighted, a moment after the page's DOM is ready) but leaves the reader at
  the top of the page. assets/mdlib-search.js scrolls to the first highlighted match in the
  article (the one in a section the result link names, if it names one) and focuses it.
"""
import re
import shutil
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "assets"
SEARCH_JS = "mdlib-search.js"
CHAPTER_NUMBER = re.compile(r"^\s*([0-9]+|[A-Z])\.\s")


def chapter_figure_numbers(app, env):
    """After Sphinx's toctree collector has assigned its numbers (env-get-updated, priority 500).
    Returns the pages whose numbers this changed, so that they are written again."""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        figures = numbers.get("figure")
        if not figures:
            continue
        title = env.titles.get(docname)
        match = CHAPTER_NUMBER.match(title.astext()) if title is not None else None
        prefix = (match.group(1),) if match else ()
        ordered = sorted(figures, key=lambda fid: figures[fid])
        renumbered = {fid: prefix + (k,) for k, fid in enumerate(ordered, start=1)}
        if renumbered != figures:
            numbers["figure"] = renumbered
            changed.append(docname)
    return changed


def copy_search_js(app):
    """Copied, not put on html_static_path, for the reason _ext/offline_assets.py gives."""
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSETS / SEARCH_JS, static / SEARCH_JS)


def setup(app):
    app.connect("env-get-updated", chapter_figure_numbers, priority=900)
    app.connect("builder-inited", copy_search_js)
    app.add_js_file(SEARCH_JS)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
