"""tools/lab_save_hook.py: a chapter saved before it is run keeps the widget state its outputs use."""
import copy
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "lab_save_hook", Path(__file__).resolve().parents[2] / "tools" / "lab_save_hook.py")
hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hook)


def notebook(shown, state):
    """A notebook whose outputs show the models `shown`, with `state` saved in its metadata."""
    cells = [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {
        "text/plain": f"Live widget ({m})", hook.VIEW: {"model_id": m, "version_major": 2}}}]}
        for m in shown]
    return {"cells": cells, "metadata": {"widgets": {hook.STATE: {"state": state, "version_major": 2,
                                                                   "version_minor": 0}}}}


def model(*children):
    return {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{c}" for c in children]}}


ON_DISK = {"aa": model("bb"), "bb": model("cc"), "cc": model(), "dd": model(), "ee": model()}


def test_models_an_output_shows_come_back_from_disk_with_what_they_refer_to():
    nb = notebook(["aa", "dd"], {})  # what JupyterLab's manager writes before any cell ran
    restored, dropped = hook.keep_widget_state(nb, notebook(["aa", "dd"], copy.deepcopy(ON_DISK)))
    assert restored == ["aa", "bb", "cc", "dd"] and dropped == []
    assert set(hook._state(nb)) == {"aa", "bb", "cc", "dd"}  # "ee" is shown by nothing: not copied
    assert all(hook.VIEW in out["data"] for c in nb["cells"] for out in c["outputs"])


def test_live_state_wins_over_the_file():
    live = {"aa": {"model_name": "live"}}
    nb = notebook(["aa"], copy.deepcopy(live))
    assert hook.keep_widget_state(nb, notebook(["aa"], copy.deepcopy(ON_DISK))) == ([], [])
    assert hook._state(nb) == live


def test_a_view_with_no_model_anywhere_falls_back_to_its_text():
    nb = notebook(["aa", "zz"], {})
    restored, dropped = hook.keep_widget_state(nb, notebook(["aa"], copy.deepcopy(ON_DISK)))
    assert dropped == ["zz"]
    data = [out["data"] for c in nb["cells"] for out in c["outputs"]]
    assert hook.VIEW in data[0] and hook.VIEW not in data[1] and data[1]["text/plain"] == "Live widget (zz)"


def test_no_file_on_disk_and_no_metadata():
    nb = notebook(["aa"], {})
    del nb["metadata"]["widgets"]
    assert hook.keep_widget_state(nb, None) == ([], ["aa"])


class _Manager:
    def __init__(self, path):
        self.path, self.messages = path, []
        self.log = type("Log", (), {"info": lambda _, *a: self.messages.append(a)})()

    def _get_os_path(self, path):
        return str(self.path)


def test_pre_save_hook_reads_the_file_being_replaced(tmp_path):
    import json

    disk = tmp_path / "ch.ipynb"
    disk.write_text(json.dumps(notebook(["aa"], copy.deepcopy(ON_DISK))))
    model = {"type": "notebook", "content": notebook(["aa"], {})}
    manager = _Manager(disk)
    hook.pre_save_hook(model=model, path="ch.ipynb", contents_manager=manager)
    assert set(hook._state(model["content"])) == {"aa", "bb", "cc"} and manager.messages
    other = {"type": "file", "content": "text"}
    hook.pre_save_hook(model=other, path="x.txt", contents_manager=manager)
    assert other == {"type": "file", "content": "text"}
