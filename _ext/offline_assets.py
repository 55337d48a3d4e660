"""Sphinx extension: make every page work with no network.

- Checks that the vendored assets (tools/vendor_assets.sh) are present, so a build without
  them fails loudly instead of producing pages that reach for a CDN.
- Loads _assets/mathjax-hub-shim.js right after MathJax: the embedded ipywidgets manager
  calls the MathJax 2 API (MathJax.Hub.Queue), which MathJax 3 lacks.
- Drops the second copy of sphinx-thebe's inline config script (it declares `const`
  variables, so the copy throws "already been declared"), and any other duplicated
  inline script.
- Writes /favicon.ico for the root redirect page, which has no icon link.
"""
from pathlib import Path

from sphinx.errors import ConfigError

from mdlib.ui.palette import PRIMARY

REQUIRED = ["mathjax/tex-svg-full.js", "widgets/require.min.js", "widgets/require-config.js",
            "widgets/embed-amd.js", "mathjax-hub-shim.js"]


def check_assets(app, config):
    root = Path(app.confdir) / "_assets"
    missing = [name for name in REQUIRED if not (root / name).is_file()]
    if missing:
        raise ConfigError(f"vendored assets missing under {root}: {missing}; "
                          "run `make assets` (tools/vendor_assets.sh)")


def dedupe_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # The same inline script is registered once with filename None and once with "".
        key = (str(script.filename or ""), tuple(sorted(script.attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    # In place: later handlers (MathJax, myst-nb's widget scripts) append to this same list.
    context["script_files"][:] = unique


def write_root_favicon(app, exception):
    """The root index.html is a redirect with no icon link, so browsers ask for /favicon.ico."""
    if exception is None and app.builder.format == "html":
        from PIL import Image, ImageDraw

        icon = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
        ImageDraw.Draw(icon).rounded_rectangle((0, 0, 31, 31), radius=6, fill=PRIMARY)
        icon.save(Path(app.outdir) / "favicon.ico", sizes=[(32, 32)])


def setup(app):
    app.connect("config-inited", check_assets)
    # After MathJax (priority 500, deferred) so MathJax 3 exists when the shim runs.
    app.add_js_file("mathjax-hub-shim.js", priority=510, defer="defer")
    # Early: a later handler may return a template name, which ends the event (emit_firstresult).
    app.connect("html-page-context", dedupe_scripts, priority=1)
    app.connect("build-finished", write_root_favicon)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

