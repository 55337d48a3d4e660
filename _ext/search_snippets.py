"""Sphinx extension: the search page shows formulas in result snippets as text, not raw TeX.

Adds _ext/assets/search-snippets.js to search.html alone (deferred, so it runs after Sphinx's
searchtools.js): before Sphinx cuts a snippet from a result page's text, each formula's TeX
source is rewritten as Unicode (δˡ⁺¹, (Wˡ)ᵀ, ∂C/∂W), and the text is the page's article
alone (not its in-page table of contents). The browser test checks the snippets.
"""
import shutil
from pathlib import Path

SCRIPT = "search-snippets.js"
ASSETS = Path(__file__).resolve().parent / "assets"


def copy_script(app):
    """Copied at builder-inited, like the book's stylesheet: an incremental build would
    otherwise keep an older copy in _static."""
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSETS / SCRIPT, static / SCRIPT)


def add_to_search_page(app, pagename, templatename, context, doctree):
    if pagename == "search":
        app.add_js_file(SCRIPT, defer="defer")


def setup(app):
    app.connect("builder-inited", copy_script)
    app.connect("html-page-context", add_to_search_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
