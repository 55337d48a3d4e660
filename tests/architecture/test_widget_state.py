"""Every live widget a committed chapter shows can be rebuilt from the state saved with it.

A widget output stores only a model id (application/vnd.jupyter.widget-view+json); the models
live in the notebook's metadata (widgets -> application/vnd.jupyter.widget-state+json), written
by tools/execute_notebooks.py (nbclient, store_widget_state). A model's state names the models
it is built from ("IPY_MODEL_<id>": children, layout, style); an Output widget's outputs may
show further views. JupyterLab and the HTML book rebuild a widget only if every model in that
closure is saved: one missing model and the reader sees "Error displaying widget: model not
found" (the view's own model) or "Error displaying widget" (a model it refers to).
"""
import copy
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
REF = re.compile(r"^IPY_MODEL_([0-9A-Za-z_-]+)$")


def _views(obj):
    """Model ids of the widget views anywhere in obj (outputs, or an Output widget's state)."""
    if isinstance(obj, dict):
        if isinstance(obj.get(VIEW), dict):
            yield obj[VIEW].get("model_id")
        for value in obj.values():
            yield from _views(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _views(value)


def _refs(obj):
    """Model ids referred to ("IPY_MODEL_<id>") anywhere in a model's state."""
    if isinstance(obj, str):
        m = REF.match(obj)
        if m:
            yield m.group(1)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _refs(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _refs(value)


def missing_models(nb):
    """Problems (strings) with the saved widget state of a notebook (a dict); [] when complete."""
    shown = [m for cell in nb.get("cells", []) for out in cell.get("outputs", []) for m in _views(out)]
    if not shown:
        return []
    saved = nb.get("metadata", {}).get("widgets", {}).get(STATE)
    if not isinstance(saved, dict):
        return [f"{len(shown)} widget outputs but no saved widget state"]
    problems = []
    if saved.get("version_major") != 2:
        problems.append(f"widget state format {saved.get('version_major')}.{saved.get('version_minor')}, not 2.x")
    state = saved.get("state", {})
    seen, todo = set(), [(m, "an output") for m in shown]
    while todo:
        model_id, by = todo.pop()
        if model_id in seen:
            continue
        seen.add(model_id)
        if not model_id or model_id not in state:
            problems.append(f"model {model_id!r} (used by {by}) is not in the saved state")
            continue
        entry = state[model_id]
        for key in ("model_name", "model_module", "model_module_version", "state"):
            if key not in entry:
                problems.append(f"model {model_id} has no {key}")
        inner = entry.get("state", {})
        todo += [(ref, f"model {model_id}") for ref in _refs(inner)]
        todo += [(ref, f"an output of model {model_id}") for ref in _views(inner)]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_saved_widget_state_is_complete(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert not missing_models(nb), f"{path.name}:\n  " + "\n  ".join(missing_models(nb))


def test_the_chapters_show_live_widgets():
    """The check above is not vacuous: the chapters do show widgets from saved state."""
    shown = {p.name: [m for c in json.loads(p.read_text(encoding="utf-8"))["cells"]
                      for out in c.get("outputs", []) for m in _views(out)] for p in NOTEBOOKS}
    assert sum(map(len, shown.values())) >= 4, shown
    assert all(shown[n] for n in ("01_notation.ipynb", "02_backprop.ipynb", "04_conv_pool.ipynb")), shown


# --- the check fails on a notebook that misses a model ------------------------------------------

def _chapter():
    path = ROOT / "book" / "04_conv_pool.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


def _state(nb):
    return nb["metadata"]["widgets"][STATE]["state"]


def test_check_catches_a_shown_model_left_out():
    nb = _chapter()
    shown = next(_views(nb["cells"]))
    del _state(nb)[shown]
    assert any(repr(shown) in p and "an output" in p for p in missing_models(nb)), missing_models(nb)


def test_check_catches_a_referred_model_left_out():
    nb = _chapter()
    state = _state(nb)
    shown = next(_views(nb["cells"]))
    child = next(_refs(state[shown]["state"]["children"]))  # a box's first child
    del state[child]
    assert any(repr(child) in p and f"model {shown}" in p for p in missing_models(nb)), missing_models(nb)


def test_check_catches_a_layout_left_out_deep_in_the_tree():
    nb = _chapter()
    state = _state(nb)
    layouts = [m for m, e in state.items() if e["model_name"] == "LayoutModel"]
    used = {r for e in state.values() for r in _refs(e["state"])}
    victim = sorted(set(layouts) & used)[-1]
    del state[victim]
    assert any(repr(victim) in p for p in missing_models(nb)), missing_models(nb)


def test_check_catches_no_state_at_all_and_a_wrong_format():
    nb = _chapter()
    del nb["metadata"]["widgets"]
    assert missing_models(nb) == ["2 widget outputs but no saved widget state"]
    nb = _chapter()
    nb["metadata"]["widgets"][STATE]["version_major"] = 1
    assert missing_models(nb) == ["widget state format 1.0, not 2.x"]


def test_check_follows_views_inside_an_output_widget():
    nb = _chapter()
    state = _state(nb)
    shown = next(_views(nb["cells"]))
    state["out0"] = {"model_name": "OutputModel", "model_module": "@jupyter-widgets/output",
                     "model_module_version": "1.0.0",
                     "state": {"outputs": [{"output_type": "display_data",
                                            "data": {VIEW: {"model_id": "gone", "version_major": 2}}}]}}
    state[shown]["state"]["children"].append("IPY_MODEL_out0")
    assert missing_models(nb) == ["model 'gone' (used by an output of model out0) is not in the saved state"]
    assert missing_models(copy.deepcopy(_chapter())) == []
