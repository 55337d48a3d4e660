"""Set JupyterLab up for reading the book: run by `make lab` before it starts JupyterLab.

1. Trust the chapters (`jupyter trust`, the venv's jupyter). A notebook opened for the first
   time is untrusted: JupyterLab then strips the steppers' script and SVG, and shows live
   widgets as their text repr. Signing the notebooks we ship makes their outputs render.
2. Keep widget state: the ipywidgets JupyterLab manager's `saveState` setting
   (@jupyter-widgets/jupyterlab-manager:plugin, default false) set to true in the
   environment's `share/jupyter/lab/settings/overrides.json`, merged with what is there. A
   saved notebook then carries its widgets' state, so reopened it shows each widget's last
   picture instead of "Error displaying widget: model not found".
3. Keep that state when a notebook is saved before it is run: the pre-save hook of
   tools/lab_save_hook.py (JupyterLab's widget manager would write an empty state; ipywidgets
   issues #3270, #3888), installed as the environment's `etc/jupyter/jupyter_server_config.py`
   (only if that file is absent or was written here).

Usage: .venv/bin/python tools/lab_setup.py [NOTEBOOK ...]   (default: book/*.ipynb)
The test (tests/jupyterlab) imports trust() and keep_widget_state() and applies them to a copy.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDGET_PLUGIN = "@jupyter-widgets/jupyterlab-manager:plugin"
WIDGET_SETTINGS = {"saveState": True}


def jupyter():
    """The jupyter command of the environment running this script (the venv's under make)."""
    exe = Path(sys.executable).parent / "jupyter"
    return str(exe) if exe.exists() else "jupyter"


def trust(notebooks, env=None):
    """Sign notebooks with `jupyter trust`; env (e.g. with JUPYTER_DATA_DIR) picks the signature db."""
    notebooks = [str(n) for n in notebooks]
    if notebooks:
        done = subprocess.run([jupyter(), "trust", *notebooks], env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"jupyter trust failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return notebooks


def settings_dir(prefix=None):
    """JupyterLab's app settings directory (where overrides.json is read): <prefix>/share/jupyter/lab/settings.

    JupyterLab reads it from its app dir, $JUPYTERLAB_DIR or <sys.prefix>/share/jupyter/lab.
    """
    if prefix is None and os.environ.get("JUPYTERLAB_DIR"):
        return Path(os.environ["JUPYTERLAB_DIR"]) / "settings"
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def keep_widget_state(prefix=None):
    """Merge {WIDGET_PLUGIN: {"saveState": true}} into overrides.json; returns its path."""
    path = settings_dir(prefix) / "overrides.json"
    overrides = {}
    if path.exists() and path.read_text(encoding="utf-8").strip():
        overrides = json.loads(path.read_text(encoding="utf-8"))
    plugin = overrides.setdefault(WIDGET_PLUGIN, {})
    if any(plugin.get(k) != v for k, v in WIDGET_SETTINGS.items()):
        plugin.update(WIDGET_SETTINGS)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(overrides, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
    return path


def check_setting_exists(prefix=None):
    """The setting must exist in the installed manager's schema, or the override does nothing."""
    schema = (Path(prefix or sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter-widgets"
              / "jupyterlab-manager" / "schemas" / "@jupyter-widgets" / "jupyterlab-manager" / "plugin.json")
    if not schema.exists():
        return f"warning: {schema} not found; is jupyterlab_widgets installed?"
    props = json.loads(schema.read_text(encoding="utf-8")).get("properties", {})
    missing = [k for k in WIDGET_SETTINGS if k not in props]
    return f"warning: {WIDGET_PLUGIN} has no setting {missing} in {schema}" if missing else ""


HOOK_MARKER = "# Written by tools/lab_setup.py"
HOOK_CONFIG = HOOK_MARKER + """ (make lab): keep widget state on save; see tools/lab_save_hook.py.
import importlib.util
import os

_path = {path!r}
if os.path.isfile(_path):
    _spec = importlib.util.spec_from_file_location("mdlib_lab_save_hook", _path)
    _hook = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_hook)
    c.ContentsManager.pre_save_hook = _hook.pre_save_hook
"""


def install_save_hook(prefix=None):
    """Write <prefix>/etc/jupyter/jupyter_server_config.py loading the save hook; returns its path."""
    path = Path(prefix or sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.py"
    text = HOOK_CONFIG.format(path=str(ROOT / "tools" / "lab_save_hook.py"))
    if path.exists() and not path.read_text(encoding="utf-8").startswith(HOOK_MARKER):
        print(f"lab_setup: {path} exists and is not ours: the save hook is not installed", file=sys.stderr)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def setup(notebooks, env=None, prefix=None):
    signed = trust(notebooks, env=env)
    path = keep_widget_state(prefix)
    install_save_hook(prefix)
    return signed, path


def main(argv):
    notebooks = argv or sorted((ROOT / "book").glob("*.ipynb"))
    signed, path = setup(notebooks)
    print(f"lab_setup: trusted {len(signed)} notebooks; widget state saved with notebooks ({path})")
    warning = check_setting_exists()
    if warning:
        print("lab_setup: " + warning, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
