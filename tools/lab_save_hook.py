"""A Jupyter server pre-save hook: a saved chapter never loses the widget state its outputs use.

JupyterLab's widget manager (saveState on) writes the state of the widget models it holds
when a notebook is saved. A notebook opened from disk and saved before its cells are run (an
autosave is enough) holds no live models, so the state is written empty while the outputs
still name their models: reopened, every widget shows "Error displaying widget: model not
found" (ipywidgets issues #3270 and #3888). Before the file is written, this hook

1. takes back, from the file on disk, each model that an output names and the saved state
   lacks, with every model it refers to ("IPY_MODEL_<id>"), and
2. drops the widget view from any output whose model is still missing, so that the output's
   text/plain fallback ("Live widget ...: run this notebook's cells") shows instead of an error.

`tools/lab_setup.py` installs it for `make lab` and the JupyterLab test; `keep_widget_state`
works on plain dicts and is unit-tested in tests/test_lab_save_hook.py.
"""
import json
import os
import re

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
_REF = re.compile(r"IPY_MODEL_([0-9a-fA-F]+)")


def referenced_models(nb):
    """The model ids that the notebook's outputs display."""
    return {out["data"][VIEW]["model_id"]
            for cell in nb.get("cells", []) for out in cell.get("outputs", [])
            if VIEW in out.get("data", {}) and "model_id" in out["data"][VIEW]}


def _state(nb):
    return nb.get("metadata", {}).get("widgets", {}).get(STATE, {}).get("state", {})


def keep_widget_state(nb, on_disk=None):
    """Repair nb (a notebook dict) in place; on_disk is the notebook as last saved, or None.

    Returns (restored ids, ids whose view was dropped), each sorted.
    """
    shown = referenced_models(nb)
    state = _state(nb)
    missing = shown - state.keys()
    if not missing:
        return [], []
    old = _state(on_disk or {})
    restored, todo = [], sorted(missing & old.keys())
    while todo:
        mid = todo.pop()
        if mid in state or mid not in old:
            continue
        state[mid] = old[mid]
        restored.append(mid)
        todo.extend(_REF.findall(json.dumps(old[mid])))
    if restored:
        widgets = nb.setdefault("metadata", {}).setdefault("widgets", {})
        bundle = widgets.setdefault(STATE, {"version_major": 2, "version_minor": 0})
        bundle["state"] = state
    dropped = sorted(shown - state.keys())
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(VIEW)
            if view and view.get("model_id") in dropped and len(out["data"]) > 1:
                del out["data"][VIEW]
    return sorted(restored), dropped


def pre_save_hook(model, path, contents_manager, **kwargs):
    """ContentsManager.pre_save_hook: repair a notebook's widget state before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    on_disk = None
    try:
        os_path = contents_manager._get_os_path(path)
        if os.path.isfile(os_path):
            with open(os_path, encoding="utf-8") as f:
                on_disk = json.load(f)
    except (OSError, ValueError, AttributeError):
        on_disk = None
    restored, dropped = keep_widget_state(model["content"], on_disk)
    if restored or dropped:
        contents_manager.log.info("mdlib save hook: %s: restored %d widget models from disk, "
                                  "dropped %d views with no model", path, len(restored), len(dropped))
