"""Sphinx extension: make every page work with no network, and keep it light.

- MathJax 3 comes from the PyPI package sphinx-mathjax-offline (requirements.txt): its
  tex-chtml.js (CommonHTML output, with its woff fonts) and the parts it loads on demand
  (TeX extensions by autoload, the menu's accessibility parts) are copied into
  _static/mathjax/ once the build has finished. No npm, no CDN. A build without the package
  fails loudly instead of producing pages that reach for a CDN.
- No widget state and no widget manager in the pages: the widgets' outputs are rendered from
  their text/html (the explorables, mdlib.ui.explorable; _config.yml's
  nb_mime_priority_overrides), so the notebooks' saved widget state (kept for JupyterLab)
  is dropped from every page.
- Drops the theme's fontawesome.js (1.5 MB, Font Awesome's SVG-and-JS icons): the theme's CSS
  already draws the same icons from Font Awesome's webfont, loaded only where an icon is.
- Drops the second copy of sphinx-thebe's inline config script (it declares `const`
  variables, so the copy throws "already been declared"), and any other duplicated
  inline script.
- Writes /favicon.ico for the root redirect page, which has no icon link.
"""
import importlib.util
import re
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util.fileutil import copy_asset

from mdlib.ui.palette import PRIMARY

MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_ENTRY = "tex-chtml.js"
# What tex-chtml.js loads, at once (its fonts) or on demand (autoload, the menu's options).
MATHJAX_PARTS = [MATHJAX_ENTRY, "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "sre", "ui"]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
FONTAWESOME_JS = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*')


def mathjax_source():
    """The folder of MathJax files the PyPI package ships."""
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the Python package {MATHJAX_PACKAGE} is missing (it ships MathJax 3 for the "
                          "offline book): run `make venv` (pip install -r requirements.txt -c constraints.txt)")
    root = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    missing = [p for p in MATHJAX_PARTS if not (root / p).exists()]
    if missing:
        raise ConfigError(f"{MATHJAX_PACKAGE} at {root} lacks {missing}")
    return root


def check_mathjax(app, config):
    mathjax_source()
    config.mathjax_path = "mathjax/" + MATHJAX_ENTRY


def copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        root, out = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
        for part in MATHJAX_PARTS:
            if (root / part).is_dir():
                copy_asset(str(root / part), str(out / part))
            else:
                out.mkdir(parents=True, exist_ok=True)
                copy_asset(str(root / part), str(out))


def light_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # The same inline script is registered once with filename None and once with "".
        key = (str(script.filename or ""), tuple(sorted(script.attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    # In place: later handlers (MathJax, myst-nb's scripts) append to this same list.
    context["script_files"][:] = unique


def drop_widget_state(app, pagename, templatename, context, doctree):
    """myst-nb adds the notebook's widget state at priority 500: run after it."""
    context["script_files"][:] = [s for s in context.get("script_files", [])
                                  if s.attributes.get("type") != WIDGET_STATE]


def drop_fontawesome_js(app, exception):
    """The theme's template writes the script tag itself (not through script_files): remove it."""
    if exception is None and app.builder.format == "html":
        for page in Path(app.outdir).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            lighter = FONTAWESOME_JS.sub("", text)
            if lighter != text:
                page.write_text(lighter, encoding="utf-8")


def write_root_favicon(app, exception):
    """The root index.html is a redirect with no icon link, so browsers ask for /favicon.ico."""
    if exception is None and app.builder.format == "html":
        from PIL import Image, ImageDraw

        icon = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
        ImageDraw.Draw(icon).rounded_rectangle((0, 0, 31, 31), radius=6, fill=PRIMARY)
        icon.save(Path(app.outdir) / "favicon.ico", sizes=[(32, 32)])


def setup(app):
    app.connect("config-inited", check_mathjax)
    # Early: a later handler may return a template name, which ends the event (emit_firstresult).
    app.connect("html-page-context", light_scripts, priority=1)
    app.connect("html-page-context", drop_widget_state, priority=900)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", drop_fontawesome_js)
    app.connect("build-finished", write_root_favicon)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
