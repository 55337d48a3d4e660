"""_ext/offline_assets.py: the theme's CSS keeps the Font Awesome rules of the icons the pages
and scripts name (the glyphs the cut-down font has), and only those."""
import importlib.util
import sys
from pathlib import Path

EXT = Path(__file__).resolve().parents[2] / "_ext"
sys.path.insert(0, str(EXT.parent))          # offline_assets imports mdlib.ui.palette
_spec = importlib.util.spec_from_file_location("offline_assets", EXT / "offline_assets.py")
assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(assets)

# As pydata-sphinx-theme.css (minified) writes them, between other rules.
CSS = ('.fa-bars{x:1}.fa-list:before{content:"\\f03a"}.fa-500px:before{content:"\\f26e"}'
       '.fa-close:before,.fa-multiply:before,.fa-xmark:before{content:"\\f00d"}'
       '.fa-spin{y:2}.fa-zzz-unused:before{content:"\\f111"}')


def test_only_named_icons_keep_their_rules():
    out = assets.unnamed_icons_dropped(CSS, {"fa-list", "fa-xmark", "fa-bars"})
    assert out == ('.fa-bars{x:1}.fa-list:before{content:"\\f03a"}'
                   '.fa-xmark:before{content:"\\f00d"}.fa-spin{y:2}')


def test_no_icon_named_drops_every_glyph_rule_and_nothing_else():
    out = assets.unnamed_icons_dropped(CSS, set())
    assert out == ".fa-bars{x:1}.fa-spin{y:2}"


def test_a_rebuild_keeps_the_rule_of_an_icon_a_page_names_since(tmp_path):
    """subset_fontawesome prunes the theme package's own CSS, not the copy in _build, which a
    rebuild leaves as the last build rewrote it: a page that names a new icon gets its rule
    and its glyph."""
    from types import SimpleNamespace

    from fontTools.ttLib import TTFont
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/static"
    fonts = tmp_path / assets.FA_DIR
    fonts.mkdir(parents=True)
    (fonts / f"{assets.FA_SOLID}.ttf").write_bytes(
        (theme / "vendor/fontawesome/webfonts" / f"{assets.FA_SOLID}.ttf").read_bytes())
    styles = tmp_path / "_static/styles"
    styles.mkdir(parents=True)
    app = SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path))
    page = tmp_path / "page.html"
    subset = fonts / f"{assets.FA_SOLID}.subset.woff"

    def build(icon):
        # Sphinx copies the theme's CSS only into a new _build, then pages are written
        if not (styles / "pydata-sphinx-theme.css").exists():
            (styles / "pydata-sphinx-theme.css").write_text(assets.theme_css(), encoding="utf-8")
        page.write_text(f'<i class="fa-solid {icon}"></i>', encoding="utf-8")
        assets.subset_fontawesome(app, None)
        return (styles / "pydata-sphinx-theme.css").read_text(encoding="utf-8")

    first = build("fa-list")
    assert '.fa-list:before{content:"\\f03a"}' in first and ".fa-anchor:before" not in first
    again = build("fa-anchor")                              # the rebuild: a new icon named
    assert '.fa-anchor:before{content:"\\f13d"}' in again and ".fa-list:before" not in again
    assert "subset.woff" in again and again.count("subset.woff") == first.count("subset.woff")
    assert 0xF13D in TTFont(str(subset)).getBestCmap()
