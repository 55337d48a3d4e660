"""The README's chapter table gives each chapter's number of exercises: counted here from the
notebooks' exercise headings, not trusted."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def stated_counts():
    """{'1': 5, ..., 'A': 3}: the last column of the README's '## Chapters' table, for
    every row whose first column names a notebook (a chapter number or an appendix letter)."""
    table = README.split("## Chapters", 1)[1].split("\n\n", 2)[1]
    counts = {}
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if cells[0]:
            counts[cells[0]] = int(cells[-1]) if cells[-1] else 0
    return counts


def exercises(label):
    """The numbers of the '### Exercise <label>.<k>' headings of the notebook of label."""
    prefix = f"{int(label):02d}_" if label.isdigit() else f"{label}1_"
    matches = list((ROOT / "book").glob(prefix + "*.ipynb"))
    if not matches:                 # Appendix B, the glossary, is markdown without exercises
        return []
    (path,) = matches
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.findall(rf"^### Exercise {re.escape(label)}\.(\d+)\b", text, re.M)


def test_the_readme_counts_every_notebooks_exercises():
    stated = stated_counts()
    assert set(stated) >= {"1", "2", "3", "4", "A"}, stated
    for label, count in stated.items():
        found = exercises(label)
        assert found == [str(k) for k in range(1, len(found) + 1)], (label, found)
        assert count == len(found), f"README says {count} exercises for {label}; " \
                                    f"the notebook has {len(found)}"
