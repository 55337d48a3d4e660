"""The chapters in a real JupyterLab: Run-All time per notebook, redraw latency per widget control.

Starts JupyterLab on a temporary, set-up copy of book/ and drives Debian's Chromium, as the
JupyterLab test does (the helpers are shared: tests/jupyterlab/labdriver.py). For each notebook:

- Run All: from the click on Run > Run All Cells to the kernel's reply and idle status for
  every cell (all outputs received), and to every live widget drawn again.
- For each control of each live widget, MOVES moves (sliders by keyboard there and back,
  another dropdown option or toggle button, a typed value): the latency from the input event to
  the first DOM change of the widget's picture, measured in the page (capture-phase event
  listeners and a MutationObserver, performance.now()). It includes the comm round trip to the
  kernel, the Python re-render and the browser applying the new HTML; not the paint.

A benchmark, not a test: it prints figures and asserts nothing about time.
Usage: .venv/bin/python benchmarks/jupyterlab.py [MOVES]
       (offline, as the test: unshare -n sh -c 'ip link set lo up && exec .venv/bin/python benchmarks/jupyterlab.py')
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "jupyterlab"))
import labdriver as ld  # noqa: E402

MOVES = int(sys.argv[1]) if len(sys.argv) > 1 else 9


def bench_notebook(browser, lab, book, name):
    n_widgets, _ = ld.expected_outputs(book / name)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30000)
    nb = ld.Notebook(page, lab, name, book)
    try:
        t = time.monotonic()
        nb.open()
        if n_widgets:
            nb.wait_widgets_settled(n_widgets)
        opened = time.monotonic() - t
        t = time.monotonic()
        run = nb.run_all(timeout=600)
        if n_widgets:
            nb.wait_widgets_settled(n_widgets)
        drawn = time.monotonic() - t
        extra = f"; widgets drawn {drawn:5.1f} s" if n_widgets else ""
        print(f"{name:30s} open {opened:4.1f} s   Run All {run['seconds']:5.1f} s ({run['n']} cells){extra}",
              flush=True)
        for i in range(n_widgets):
            title = nb.widget_title(i)
            print(f"    {title}")
            for c in range(len(nb.controls(i))):
                times, missed, label, kind = [], 0, "?", "?"
                for step in range(MOVES):
                    control = nb.controls(i)[c]
                    label, kind = control["label"], control["kind"]
                    res = nb.move(i, control, step=step)
                    if res["changed"] and res["latency"] is not None:
                        times.append(res["latency"])
                    else:
                        missed += 1
                note = f"   ({missed} of {MOVES} moves did not redraw)" if missed else ""
                if times:
                    print(f"      {label:12s} {kind:8s} median {statistics.median(times):6.1f} ms   "
                          f"worst {max(times):6.1f} ms   over {len(times)} moves{note}", flush=True)
                else:
                    print(f"      {label:12s} {kind:8s} no redraw in {MOVES} moves", flush=True)
        return run["seconds"]
    finally:
        context.close()
        lab.shutdown_kernels()


def main():
    from playwright.sync_api import sync_playwright

    start = time.monotonic()
    print(f"JupyterLab on a copy of book/, Chromium {ld.CHROMIUM}; {MOVES} moves per control\n")
    with ld.lab_on_copy(prefix="mdlib-lab-bench-") as (lab, book), sync_playwright() as p:
        browser = ld.launch_browser(p)
        try:
            for name in ld.NOTEBOOKS:
                bench_notebook(browser, lab, book, name)
        finally:
            browser.close()
    print(f"\n(total {time.monotonic() - start:.0f} s)")


if __name__ == "__main__":
    main()
