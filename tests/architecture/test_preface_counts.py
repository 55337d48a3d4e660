"""The preface's statement of what nbval does not compare is checked, not trusted.

It says how many cells are tagged nbval-ignore-output (and where), and that none is tagged
nbval-skip, and it lists the sanitiser's patterns: each is counted here from the sources.
"""
import configparser
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREFACE = (ROOT / "book" / "preface.md").read_text(encoding="utf-8")
WORDS = {"none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def tagged(tag):
    counts = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        counts[path.name] = sum(tag in c.get("metadata", {}).get("tags", []) for c in cells)
    return counts


def flat(text):
    return " ".join(text.split())


def test_the_ignored_cells_are_counted_right():
    counts = tagged("nbval-ignore-output")
    text = flat(PREFACE)
    total = int(re.search(r"\((\d+) such cells", text).group(1))
    assert total == sum(counts.values()), (total, counts)
    per = re.search(r"cells when this was written: (\w+) in each of Chapters 1 to 3, (\w+) in Chapter 4, "
                    r"(\w+) in Appendix A", text)
    ch = [counts[n] for n in sorted(counts)]          # 01, 02, 03, 04, A1
    assert ch[:3] == [WORDS[per.group(1)]] * 3 and ch[3] == WORDS[per.group(2)] and ch[4] == WORDS[per.group(3)]


def test_no_cell_is_skipped():
    assert "no cell is tagged `nbval-skip`" in flat(PREFACE)
    assert sum(tagged("nbval-skip").values()) == 0


def test_the_sanitiser_has_the_patterns_the_preface_lists():
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "nbval_sanitize.cfg")
    assert "five patterns masked" in flat(PREFACE) and len(config.sections()) == 5
