"""tests/jupyterlab runs only when asked for by marker (make jupyterlab: pytest -m jupyterlab).

`make unit` runs `pytest tests -m "not browser"`; without this the JupyterLab test (minutes,
Chromium, a JupyterLab server) would run there too. Unless the -m expression names
`jupyterlab`, the tests here are deselected.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_collection_modifyitems(config, items):
    if "jupyterlab" in (config.getoption("markexpr") or ""):
        return
    here = Path(__file__).resolve().parent
    mine = [item for item in items if here in Path(str(item.fspath)).resolve().parents]
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]
