"""Sphinx extension: the book on paper (print and `make pdf`, tools/pdf.py).

Adds print_static/mdlib-print.css (rules under @media print only) and mdlib-print.js to every
page:
- a stepper keeps only its shown frame in the document and builds a frame's picture when it is
  first shown (mdlib.ui.stepper); before printing, the script asks each stepper for every frame
  complete (its mdlibFrames()) and puts a copy of each in a strip that only print shows;
- exercise solutions (details.sd-dropdown) and hidden code cells (details.hide) are opened
  for print and closed again afterwards;
- explorables print their current picture with a note that the HTML book changes it.
`window.mdlibPrint.prepare()` / `.restore()` do the same as beforeprint/afterprint, for
tools/pdf.py (Chromium's page.pdf() prints without firing those events).
"""
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "print_static"


def add_static(app):
    app.config.html_static_path = list(app.config.html_static_path) + [str(STATIC)]


def setup(app):
    app.connect("builder-inited", add_static)
    app.add_css_file("mdlib-print.css")
    app.add_js_file("mdlib-print.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
