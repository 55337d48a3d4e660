"""Execute notebooks in place (cwd = the notebook's folder), storing widget state.

Notebooks are committed executed: the book renders these outputs, and strict nbval in
`make test` checks that a fresh run reproduces them. Usage: python tools/execute_notebooks.py NB...
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def kernelspec(name="python3"):
    """The kernelspec metadata JupyterLab writes for this kernel, so that opening a chapter there
    does not change (dirty) it; a dirty chapter gets autosaved."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(name)
    return {"display_name": spec.display_name, "language": spec.language, "name": name}


def execute(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    client.execute()
    nb.metadata["kernelspec"] = kernelspec()
    nbformat.write(nb, path)
    return time.perf_counter() - start


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{arg}: executed in {execute(arg):.1f} s", flush=True)
