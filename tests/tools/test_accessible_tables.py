"""_ext/offline_assets.py: no table header cell without text reaches a page (axe-core's
empty-table-header): an empty corner becomes a data cell, a header row with no text goes."""
import importlib.util
import re
import sys
from pathlib import Path

EXT = Path(__file__).resolve().parents[2] / "_ext"
sys.path.insert(0, str(EXT.parent))          # offline_assets imports mdlib.ui.palette
_spec = importlib.util.spec_from_file_location("offline_assets", EXT / "offline_assets.py")
assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(assets)

# As Sphinx writes a Markdown table `| | formula |` and a table `| | |` with no header.
CORNER = ('<table class="table">\n<thead>\n<tr class="row-odd"><th class="head"><p></p></th>\n'
          '<th class="head"><p>formula</p></th>\n</tr>\n</thead>\n<tbody>\n'
          '<tr class="row-even"><td><p>chain rule</p></td>\n<td><p>x</p></td>\n</tr>\n</tbody>\n</table>')
NO_HEADER = ('<table class="table">\n<thead>\n<tr class="row-odd"><th class="head"><p></p></th>\n'
             '<th class="head"><p></p></th>\n</tr>\n</thead>\n<tbody>\n'
             '<tr class="row-even"><td><p>step</p></td>\n<td><p>h</p></td>\n</tr>\n</tbody>\n</table>')


def test_an_empty_corner_becomes_a_data_cell():
    out = assets.empty_header_cells(CORNER)
    assert '<tr class="row-odd"><td class="head"></td>\n<th class="head"><p>formula</p></th>' in out
    assert len(re.findall(r"<th\b", out)) == 1 and "<thead>" in out


def test_a_header_row_with_no_text_goes():
    out = assets.empty_header_cells(NO_HEADER)
    assert "<thead>" not in out and not re.findall(r"<th\b", out)
    assert out.startswith('<table class="table">\n<tbody>\n<tr class="row-even"><td><p>step</p></td>')


def test_headers_with_text_stay():
    full = CORNER.replace("<th class=\"head\"><p></p></th>", "<th class=\"head\"><p>rule</p></th>")
    assert assets.empty_header_cells(full) == full
