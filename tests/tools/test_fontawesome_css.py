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
