"""Sphinx extension: make every page work with no network, and keep it light.

- MathJax 3 comes from the PyPI package sphinx-mathjax-offline (requirements.txt): the
  components the pages load (MATHJAX_LOAD: TeX input, CommonHTML output with its woff fonts,
  assistive MathML for screen readers, lazy typesetting) and the TeX extensions autoload
  fetches on demand are copied into _static/mathjax/ once the build has finished. Pages with
  math preload the components (<link rel="preload">) so that MathJax need not fetch them one
  after the other once the page has been parsed, and its three web fonts that every
  formula uses (MATHJAX_FONTS), which the browser would fetch only after typesetting. No npm, no
  CDN. A build without the package fails loudly instead of producing pages that reach for a CDN.
  Lighter than the combined tex-chtml.js (1.16 MB), which also carries the right-click menu
  (0.43 MB). Lazy typesetting (ui/lazy) typesets a formula when it comes near the screen: a
  long chapter is not thousands of formulas' elements at once, and is readable sooner.
- No widget state and no widget manager in the pages: the widgets' outputs are rendered from
  their text/html (the explorables, mdlib.ui.explorable; _config.yml's
  nb_mime_priority_overrides), so the notebooks' saved widget state (kept for JupyterLab)
  is dropped from every page.
- Unwraps the code highlighter's spans that change nothing: a token whose class pygments.css
  colours exactly like the code block's own text, in both themes (names, punctuation,
  whitespace), is written as plain text. A chapter's code is thousands of such spans.
- Drops the theme's fontawesome.js (1.5 MB, Font Awesome's SVG-and-JS icons): the theme's CSS
  already draws the same icons from Font Awesome's webfont. That font (solid, 156 KB, about
  1,400 icons) is cut down with fontTools to the icons the pages and the theme's scripts name
  (a WOFF of a few KB), and the theme's CSS points at it and keeps only those icons' rules.
- Drops Sphinx's search scripts and index (searchtools.js, language_data.js, searchindex.js,
  about 100 KB) from every page but search.html: the theme loads them everywhere for its
  search-as-you-type box, which the book leaves off.
- Drops the second copy of sphinx-thebe's inline config script (it declares `const`
  variables, so the copy throws "already been declared"), and any other duplicated
  inline script.
- Writes /favicon.ico for the root redirect page, which has no icon link.
- Adds the book's own stylesheet, _ext/assets/mdlib-book.css (phones: what cannot shrink
  scrolls inside a box that shows it scrolls; diagrams scale to the column; sections far from
  the screen are not laid out until the reader comes near), to every page, and its script,
  _ext/assets/mdlib-book.js (a scroll box that scrolls gets a tab stop, checked as it comes
  near the screen). The theme's own tab-stop check, which read every code block's and table's
  width once the page had loaded (laying out the whole page), is turned off: mdlib-book.js
  does the same, box by box.
- Pages with math also get _ext/assets/mdlib-mathjax.js, before MathJax starts: MathJax's lazy
  first pass no longer measures every formula's surroundings (which laid out the whole page)
  nor builds assistive MathML for every empty marker; a formula gets both when it is typeset.
  Its first batch is the formulas on the screen, typeset at once (not when the browser is
  next idle), and those within MathJax's margin below the screen follow. MathJax looks for
  TeX in the formulas' own elements only (MATHJAX_ELEMENTS), and the MathJax files every such
  page runs carry V8's compile hint (COMPILE_HINT): compiled off the main thread as they load.
  On those pages the theme's scripts (bootstrap.js, pydata-sphinx-theme.js) run once that first
  batch is typeset, no longer before DOMContentLoaded, which MathJax waits for.
  MathJax's first pass finds the formulas outside the article and the article's first 100 only
  (giving each its marker cost chapter 4's 860 formulas a few hundred ms before the first was
  typeset); the others are found once the screen is typeset, or when all are typeset at once.
- Pictures held in the page (<img src="data:...">, the steppers' SVGs, which their scripts
  turn into inline SVG) load lazily: the parser no longer builds each as an SVG document.
- Tables without empty header cells (axe-core's empty-table-header): a Markdown table's
  empty corner header (`| | formula |`) is written as a data cell, and a header row with
  no text at all (`| | |`, a table that has no header) is left out.
"""
import importlib.util
import json
import re
import shutil
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util.fileutil import copy_asset

from mdlib.ui.palette import PRIMARY

MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_ENTRY = "startup.js"
MATHJAX_LOAD = ["input/tex", "output/chtml", "a11y/assistive-mml", "ui/lazy"]
# The files of those components, the ones they load themselves (core, the font data and
# fonts) and the TeX extensions autoload may fetch.
MATHJAX_PARTS = [MATHJAX_ENTRY, "core.js", "input/tex.js", "input/tex/extensions", "output/chtml.js",
                 "output/chtml/fonts", "a11y/assistive-mml.js", "ui/lazy.js"]
# What startup.js fetches itself once it runs: being deferred, it runs only when the page has
# been parsed (DOMContentLoaded), then fetches core.js, then the components, then the font
# data, each after the one before. Preloaded from <head>, they arrive and are compiled while
# the page is still being parsed (benchmarks/pages.py: "DOM ready" is most of MathJax's time).
MATHJAX_PRELOAD = ["core.js"] + [f"{c}.js" for c in MATHJAX_LOAD] + ["output/chtml/fonts/tex.js"]
# The web fonts every page's formulas use. CHTML's stylesheet names them only once it has
# typeset the first formulas, and the browser fetches MathJax_Zero first and the others once
# it has arrived: typeset formulas stayed blank for that long (benchmarks/pages.py measured
# 150 ms on a busy machine, and up to 2.5 s under a load average of 20). Preloaded, they are
# there when the formulas are.
MATHJAX_FONTS = ["MathJax_Zero", "MathJax_Main-Regular", "MathJax_Math-Italic"]
# Where MathJax looks for TeX (its startup.elements).
MATHJAX_ELEMENTS = [".math"]
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


BOOK_CSS = "mdlib-book.css"
BOOK_JS = "mdlib-book.js"
# Loaded on the pages with math, before MathJax starts: its lazy first pass measures and
# builds the assistive MathML of the formulas it typesets only, not of every formula.
BOOK_MATHJAX_JS = "mdlib-mathjax.js"
ASSETS = Path(__file__).resolve().parent / "assets"


def add_book_css(app, config):
    app.add_css_file(BOOK_CSS)
    app.add_js_file(BOOK_JS)


def copy_book_css(app):
    """Copied here rather than through html_static_path: Sphinx 7.4 leaves an existing
    _static file as it is, so an edited stylesheet would not reach an incremental build.
    Before the pages are written, so that their ?v= checksum is the new file's."""
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for name in (BOOK_CSS, BOOK_JS, BOOK_MATHJAX_JS):
            shutil.copyfile(ASSETS / name, static / name)


_EMPTY_TH = r'<th class="head"(?: [^>]*)?>(?:<p></p>)?</th>'
_EMPTY_HEAD = re.compile(r'<thead>\s*<tr[^>]*>(?:\s*%s)+\s*</tr>\s*</thead>\s*' % _EMPTY_TH)


def empty_header_cells(html):
    """A header row with no text goes; an empty header cell becomes a data cell (a table's
    empty corner is not a header: WCAG technique H63, axe-core's empty-table-header)."""
    return re.sub(_EMPTY_TH, '<td class="head"></td>', _EMPTY_HEAD.sub("", html))


_DATA_IMG = re.compile(r"""<img\b(?![^>]*\sloading=)(?=[^>]*\ssrc=["']data:)""")


def lazy_data_images(html):
    """An image held in the page itself (src="data:...": the steppers' SVG pictures,
    mdlib.ui.svg.svg_as_img, which the steppers' scripts turn into inline SVG as the page is
    parsed) is loaded when it comes near the screen (loading="lazy"), not as the parser meets
    it: Chromium built each SVG image as a document of its own, and chapter 4's 34 took, traced,
    120-150 ms of the main thread's 700-800 ms before the DOM was ready. An image fetched from
    a file is left as it is (its bytes count in the page's budget as loaded)."""
    return _DATA_IMG.sub('<img loading="lazy"', html)


def accessible_tables(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = lazy_data_images(empty_header_cells(context["body"]))


def check_mathjax(app, config):
    mathjax_source()
    config.mathjax_path = "mathjax/" + MATHJAX_ENTRY
    mj = dict(config.mathjax3_config or {})
    # MathJax looks for TeX only inside the formulas' own elements (span.math and div.math, as
    # myst writes every formula, SymPy's LaTeX output included), not in every text node of the
    # page: a chapter's code, tables and explorables hold none.
    mj["startup"] = {**mj.get("startup", {}), "elements": MATHJAX_ELEMENTS}
    config.mathjax3_config = {**mj, "loader": {"load": MATHJAX_LOAD}}


# V8's explicit compile hint (Chromium 136 and later; a comment to other browsers): every
# function of the file is compiled as the file streams in, off the main thread. Without it the
# parts of MathJax that every page with math runs are compiled on the main thread, one function
# at a time as MathJax first calls it, between DOMContentLoaded and the first formula typeset
# (chapter 4, traced: about 60 of 85 ms of evaluating MathJax's scripts went).
COMPILE_HINT = "//# allFunctionsCalledOnLoad\n"


def copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        root, out = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
        for part in MATHJAX_PARTS:
            if (root / part).is_dir():
                copy_asset(str(root / part), str(out / part))
            else:
                (out / part).parent.mkdir(parents=True, exist_ok=True)
                copy_asset(str(root / part), str((out / part).parent))
        for part in [MATHJAX_ENTRY] + MATHJAX_PRELOAD:
            js = out / part
            text = js.read_text(encoding="utf-8")
            if not text.startswith(COMPILE_HINT):
                js.write_text(COMPILE_HINT + text, encoding="utf-8")


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


def preload_mathjax(app, pagename, templatename, context, doctree):
    """On the pages that load MathJax: <link rel="preload"> for its components and its most used
    fonts, in <head>; and the book's MathJax script (BOOK_MATHJAX_JS), appended to this page's
    scripts: after the inline configuration it extends, and, being a plain script, run while
    the page is parsed, before the deferred startup.js (tests/browser/test_mathjax_lazy.py)."""
    if not any(str(s.filename or "").endswith("mathjax/" + MATHJAX_ENTRY)
               for s in context.get("script_files", [])):
        return
    app.builder.add_js_file(BOOK_MATHJAX_JS)
    pathto = context["pathto"]
    links = "".join(f'\n    <link rel="preload" as="script" href="{pathto("_static/mathjax/" + c, 1)}" />'
                    for c in MATHJAX_PRELOAD)
    # crossorigin: fonts are fetched in CORS mode, and a preload made without it is not reused.
    # Added by a script, and only over http(s): a page opened from the disk (file://, as the
    # Makefile suggests) has the origin 'null', whose CORS preloads Chromium blocks with a
    # console error for each font (the fonts themselves load from MathJax's CSS).
    fonts = json.dumps([pathto(f"_static/mathjax/output/chtml/fonts/woff-v2/{f}.woff", 1)
                        for f in MATHJAX_FONTS])
    links += ("\n    <script>if (location.protocol !== 'file:') " + fonts + ".forEach(href => {"
              "const l = document.createElement('link'); l.rel = 'preload'; l.as = 'font'; "
              "l.type = 'font/woff'; l.crossOrigin = 'anonymous'; l.href = href; "
              "document.head.appendChild(l); });</script>")
    context["metatags"] = context.get("metatags", "") + links


def drop_widget_state(app, pagename, templatename, context, doctree):
    """myst-nb adds the notebook's widget state at priority 500: run after it."""
    context["script_files"][:] = [s for s in context.get("script_files", [])
                                  if s.attributes.get("type") != WIDGET_STATE]


_RULE = re.compile(r'^html\[data-theme="(\w+)"\] \.highlight(?: \.(\w+))? \{ ([^}]*)\}', re.M)
_PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S)


def plain_classes(css):
    """The token classes pygments.css styles with nothing but the code block's own colour, in
    every theme: their spans can go."""
    base, rules = {}, {}
    for theme, cls, body in _RULE.findall(css):
        decls = body.strip().rstrip(";")
        if not cls:
            props = dict(d.split(":", 1) for d in decls.split(";") if ":" in d)
            base[theme] = {k.strip(): v.strip() for k, v in props.items()}.get("color")
        else:
            rules.setdefault(cls, {})[theme] = decls
    plain = set()
    for cls, by_theme in rules.items():
        if set(by_theme) == set(base) and all(by_theme[t] == f"color: {base[t]}" for t in base):
            plain.add(cls)
    return plain


# Operators and numbers are drawn in the code's own colour: their spans are a quarter of a
# chapter page's elements (chapter 4: about 3,800 of 14,400), and the browser test holds every
# page to 12,000 elements and 2.5 MB.
UNCOLOURED = {"o", "mi", "mf"}


def unwrap_spans(html, classes):
    """<span class="n">x</span> -> x inside <pre> blocks, for the given classes."""
    if not classes:
        return html
    span = re.compile(r'<span class="(?:%s)">([^<]*)</span>' % "|".join(sorted(classes)))
    return _PRE.sub(lambda m: m.group(1) + span.sub(r"\1", m.group(2)) + m.group(3), html)


# The theme's layout loads Sphinx's search scripts and the whole search index on every page,
# for its search-as-you-type box; with that option off (the book's), nothing but the search
# page uses them (72 KB of index and 25 KB of scripts a page).
SEARCH_TOOLS = re.compile(r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js'
                          r'|searchindex\.js)"></script>')


# The theme's own scripts, deferred at the end of <body>: they ran before DOMContentLoaded, and
# MathJax starts only then. On the pages with math they are written inert and run once MathJax
# has typeset the formulas on the screen (_ext/assets/mdlib-mathjax.js, mdlibThemeScripts).
THEME_SCRIPTS = re.compile(r'<script defer src="([^"]*_static/scripts/(?:bootstrap|pydata-sphinx-theme)'
                           r'\.js[^"]*)"></script>')
THEME_SCRIPTS_LATER = r'<script type="mdlib/after-mathjax" data-src="\1"></script>'
# The theme's <link rel="preload"> of the same scripts, in <head>: fetched first, with the
# stylesheets, and then unused for seconds (a console warning), they are left out there.
THEME_PRELOADS = re.compile(r'\s*<link rel="preload" as="script" href="[^"]*_static/scripts/'
                            r'(?:bootstrap|pydata-sphinx-theme)\.js[^"]*" />')


def theme_scripts_after_mathjax(html):
    """On a page that runs the book's MathJax script: the theme's scripts, inert until then,
    and not preloaded."""
    if f"_static/{BOOK_MATHJAX_JS}" not in html:
        return html
    return THEME_PRELOADS.sub("", THEME_SCRIPTS.sub(THEME_SCRIPTS_LATER, html))


def lighten_pages(app, exception):
    """The theme's template writes the Font Awesome script tag itself (not through script_files):
    remove it; so are the search scripts, which only the search page needs; unwrap the spans
    that change nothing in code blocks."""
    if exception is None and app.builder.format == "html":
        css = Path(app.outdir) / "_static" / "pygments.css"
        classes = plain_classes(css.read_text(encoding="utf-8")) if css.is_file() else set()
        classes |= UNCOLOURED
        for page in Path(app.outdir).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            lighter = theme_scripts_after_mathjax(unwrap_spans(FONTAWESOME_JS.sub("", text), classes))
            if page.name != "search.html" and not app.config.html_theme_options.get(
                    "search_as_you_type"):
                lighter = SEARCH_TOOLS.sub("", lighter)
            if lighter != text:
                page.write_text(lighter, encoding="utf-8")


FA_DIR = "_static/vendor/fontawesome/webfonts"
FA_SOLID = "fa-solid-900"
_FA_NAME = re.compile(r"\bfa-[a-z0-9-]+")
_FA_GLYPH = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')


def unnamed_icons_dropped(css, named):
    """The theme's CSS without the rules of the icons no page or script names: about 1,900
    rules (.fa-x:before{content:"..."}, 84 of its 397 KB) that the browser parses on every page,
    for glyphs the cut-down font no longer has. A rule naming several icons keeps the named."""
    def keep(m):
        kept = [s for s in m.group(1).split(",") if s and s[1:-len(":before")] in named]
        return ",".join(kept) + '{content:"\\' + m.group(2) + '"}' if kept else ""
    return _FA_GLYPH.sub(keep, css)


def theme_css():
    """The theme's own pydata-sphinx-theme.css, as the package ships it. On a rebuild into an
    existing _build, Sphinx keeps the copy this extension rewrote; pruning that copy again
    would keep no rule for an icon a page has named since."""
    import pydata_sphinx_theme
    theme = Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme"
    return (theme / "static/styles/pydata-sphinx-theme.css").read_text(encoding="utf-8")


def subset_fontawesome(app, exception):
    """Font Awesome's solid webfont cut down to the icons named in the pages and scripts, and
    the theme's CSS (from the package's copy, theme_css) keeping only their rules."""
    if exception is None and app.builder.format == "html":
        from fontTools import subset

        out = Path(app.outdir)
        css_path, font = out / "_static/styles/pydata-sphinx-theme.css", out / FA_DIR / f"{FA_SOLID}.ttf"
        if not (css_path.is_file() and font.is_file()):
            return
        css = theme_css()
        named = set()
        for f in list(out.rglob("*.html")) + list((out / "_static").rglob("*.js")):
            if "mathjax" not in f.parts:
                named |= set(_FA_NAME.findall(f.read_text(encoding="utf-8", errors="replace")))
        codepoints = set()
        for selectors, code in _FA_GLYPH.findall(css):
            if {s[1:-len(":before")] for s in selectors.split(",") if s} & named:
                codepoints.add(int(code, 16))
        css = unnamed_icons_dropped(css, named)
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]
        smaller = subset.Subsetter(options)
        ttf = subset.load_font(str(font), options)
        smaller.populate(unicodes=sorted(codepoints))
        smaller.subset(ttf)
        subset.save_font(ttf, str(out / FA_DIR / f"{FA_SOLID}.subset.woff"), options)
        solid = f'url(../vendor/fontawesome/webfonts/{FA_SOLID}.woff2) format("woff2"),' \
                f'url(../vendor/fontawesome/webfonts/{FA_SOLID}.ttf) format("truetype")'
        if solid not in css:
            raise RuntimeError(f"the theme's CSS no longer loads {FA_SOLID} as expected: update _ext/offline_assets.py")
        css_path.write_text(css.replace(solid, f'url(../vendor/fontawesome/webfonts/{FA_SOLID}.subset.woff) '
                                               'format("woff")'), encoding="utf-8")


THEME_JS = "_static/scripts/pydata-sphinx-theme.js"
# pydata-sphinx-theme 0.17.1 (minified): once the page has loaded, its
# addTabStopsToScrollableElements reads the scroll width of every code block, cell output and
# table of the page, which lays out every section that mdlib-book.css lets the browser skip,
# and again after each change to the page. _ext/assets/mdlib-book.js gives those boxes the
# same tab stops, box by box as they come near the screen.
_THEME_TAB_STOPS = re.compile(r'"complete"===document\.readyState\?(\w+)\(\):window\.addEventListener\("load",\1\)')
_THEME_TAB_STOPS_OFF = "/* tab stops: mdlib-book.js */void 0"


def theme_tab_stops_off(app, exception):
    if exception is None and app.builder.format == "html":
        js = Path(app.outdir) / THEME_JS
        if not js.is_file():
            return
        text = js.read_text(encoding="utf-8")
        if _THEME_TAB_STOPS_OFF in text:
            return        # a rebuild into an existing _build: Sphinx kept the rewritten script
        found = _THEME_TAB_STOPS.search(text)
        body = re.search(r"function %s\(\)\{(.{0,400})" % found.group(1), text, re.S) if found else None
        if not (found and "scrollWidth>e.clientWidth" in body.group(1)):
            raise RuntimeError(f"{THEME_JS} no longer adds its tab stops as expected: update "
                               "_ext/offline_assets.py and _ext/assets/mdlib-book.js")
        js.write_text(text[:found.start()] + _THEME_TAB_STOPS_OFF + text[found.end():], encoding="utf-8")


def write_root_favicon(app, exception):
    """The root index.html is a redirect with no icon link, so browsers ask for /favicon.ico."""
    if exception is None and app.builder.format == "html":
        from PIL import Image, ImageDraw

        icon = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
        ImageDraw.Draw(icon).rounded_rectangle((0, 0, 31, 31), radius=6, fill=PRIMARY)
        icon.save(Path(app.outdir) / "favicon.ico", sizes=[(32, 32)])


def setup(app):
    app.connect("config-inited", check_mathjax)
    app.connect("config-inited", add_book_css)
    # Early: a later handler may return a template name, which ends the event (emit_firstresult).
    app.connect("html-page-context", light_scripts, priority=1)
    app.connect("html-page-context", drop_widget_state, priority=900)
    # After sphinx.ext.mathjax has added its script to the pages with math (priority 500).
    app.connect("html-page-context", preload_mathjax, priority=910)
    app.connect("html-page-context", accessible_tables)
    app.connect("build-finished", copy_mathjax)
    app.connect("builder-inited", copy_book_css)
    # After the theme's own build-finished handler, which writes its pygments.css (priority 500).
    app.connect("build-finished", lighten_pages, priority=900)
    app.connect("build-finished", subset_fontawesome, priority=910)
    app.connect("build-finished", write_root_favicon)
    app.connect("build-finished", theme_tab_stops_off)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
