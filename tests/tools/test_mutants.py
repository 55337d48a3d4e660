"""The mutation harness's list stays in step with mdlib (tools/mutants.py; `make mutants` runs it).

A mutant whose text no longer occurs in mdlib would silently stop being tried; these tests make
that a failure of `make unit`, without running the (slow) harness itself.
"""
import argparse
import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("mutants", ROOT / "tools" / "mutants.py")
mutants = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutants)


def test_at_least_25_mutants_with_unique_ids():
    ids = [m.id for m in mutants.MUTANTS]
    assert len(ids) >= 25 and len(set(ids)) == len(ids)


def test_every_mutant_still_applies_exactly_once():
    assert mutants.check_edits(mutants.MUTANTS) == []


def test_every_mutant_is_valid_python_that_changes_the_code():
    for m in mutants.MUTANTS:
        text = (ROOT / m.path).read_text()
        mutated = text.replace(m.old, m.new)
        assert ast.dump(ast.parse(mutated)) != ast.dump(ast.parse(text)), m.id


def test_the_edit_is_inside_a_function_the_mutant_names():
    import importlib
    import inspect

    for m in mutants.MUTANTS:
        sources = []
        for name in m.functions:
            module, _, qualname = name.rpartition(".")
            obj = importlib.import_module(module)
            for part in qualname.split("."):
                obj = getattr(obj, part)
            sources.append(inspect.getsource(obj))
        # the edit sits in one of the functions it names: "does the book show it" asks about those
        assert any(m.old in src for src in sources), m.id


def test_a_stale_mutant_is_reported():
    stale = mutants.Mutant("stale", "mdlib/kernels/dense.py", "no such text", "x", "", (), "")
    assert mutants.check_edits([stale]) != []


def test_the_unit_stage_selects_what_make_unit_selects():
    """A marker `make unit` leaves out (browser, jupyterlab, pdf) must be left out of the
    harness's unit stage too, or its unmutated baseline fails for want of a built site."""
    unit = [line for line in (ROOT / "Makefile").read_text().splitlines()
            if line.strip().startswith("$(BIN)/pytest tests -m")]
    assert unit == [f'\t$(BIN)/pytest tests -m "{mutants.UNIT_MARKERS}"'], unit


def test_the_unit_stage_leaves_out_the_line_width_test(tmp_path, monkeypatch):
    """A mutant whose edit makes a line longer than 88 columns fails the line-width test,
    whatever it computes (three did): the unit stage must kill each mutant by a check of what
    the code computes, as the book stage runs nbval lax, not strict."""
    (tmp_path / "mdlib").mkdir()
    (tmp_path / "mdlib" / "f.py").write_text("x = 1\n")
    commands = []
    monkeypatch.setattr(mutants, "run", lambda cmd, cwd, timeout: commands.append(cmd)
                        or ("passed", 0.0, ""))
    args = argparse.Namespace(unit=True, book=False, book_paths=None, timeout=1)
    unmutated = mutants.Mutant("none", "mdlib/f.py", "", "", "", (), "")
    mutants.mutant_runner(sys.executable, args)(unmutated, tmp_path)
    [cmd] = commands
    width_test = "tests/architecture/test_line_widths.py"
    assert (ROOT / width_test).is_file()
    assert cmd[cmd.index(width_test) - 1] == "--deselect", cmd
