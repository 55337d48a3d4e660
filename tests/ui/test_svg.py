"""The drawing primitives and the one palette."""
import re
import urllib.parse
import xml.etree.ElementTree as ET

import numpy as np

from mdlib.ui import palette, svg


def test_svg_as_img_keeps_the_picture_whole(rng):
    picture = svg.grid_svg(rng.normal(size=(2, 3)), label="a <grid>") + "<p>text</p>" + svg.heatmap_svg(np.eye(2))
    html = svg.svg_as_img(picture)
    images = re.findall(r"<img data-svg alt='([^']*)'[^>]*src='data:image/svg\+xml,([^']*)'>", html)
    originals = re.findall(r"<svg\b.*?</svg>", picture, re.S)
    assert [urllib.parse.unquote(src) for _, src in images] == originals
    assert [alt for alt, _ in images] == ["a &lt;grid&gt;", "matrix"] and "<p>text</p>" in html
    for original in originals:
        ET.fromstring(original)                       # each picture is well-formed on its own


def test_heatmap_colours_run_from_blue_through_white_to_red():
    assert svg.cell_colour(0.0, 1.0) == "#ffffff"
    assert svg.cell_colour(1.0, 1.0) == palette.HIGHLIGHT
    assert svg.cell_colour(-2.0, 1.0) == palette.NEGATIVE     # clipped at the full colour
    assert svg.cell_colour(3.0, 0.0) == "#ffffff"             # an all-zero matrix stays white


def test_stale_picture_keeps_the_picture_under_the_note():
    html = svg.stale_html("<svg></svg>", "why")
    assert html.index("why") < html.index("<svg></svg>") and "Not redrawn." in html


def test_palette_colours_are_hex_and_rgb_reads_them():
    hexes = [v for k, v in vars(palette).items() if k.isupper() and isinstance(v, str) and v.startswith("#")]
    assert palette.PRIMARY in hexes and all(re.fullmatch(r"#[0-9a-f]{3}([0-9a-f]{3})?", h) for h in hexes)
    assert palette.rgb("#d62728") == (214, 39, 40)
