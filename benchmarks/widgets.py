"""How long one widget update takes: a control changes -> the new picture is computed.

Prints the median and the worst of many updates for each widget, against the 100 ms budget.
A benchmark, not a test: these machines are shared, so read the figures, don't assert them.
Usage: .venv/bin/python benchmarks/widgets.py
"""
import statistics
import time

from mdlib.ui.backprop import BackpropWidget
from mdlib.ui.convolution import ConvWidget, PoolWidget
from mdlib.ui.notation import NotationWidget
from mdlib.ui.shapes import ShapeExplorer

BUDGET_MS = 100.0


def measure(name, setups, change, picture, repeats=200):
    times = []
    for i in range(repeats):
        setups(i)
        before = picture.value
        start = time.perf_counter()
        change(i)
        times.append((time.perf_counter() - start) * 1000)
        if picture.value == before:
            raise RuntimeError(f"{name}: change {i} did not re-render, so it measured nothing")
    median, worst = statistics.median(times), max(times)
    print(f"{name:48s} median {median:6.2f} ms   worst {worst:6.2f} ms   "
          f"budget {BUDGET_MS:.0f} ms: {'ok' if worst < BUDGET_MS else 'OVER'}")
    return median, worst


def main():
    notation = NotationWidget(sizes=(3, 4, 4, 2))
    measure("notation: move slider j (3-4-4-2)",
            lambda i: None, lambda i: setattr(notation.j, "value", 1 + (notation.j.value % notation.j.max)),
            notation.picture)
    big = "8-8-8-8-8-8"
    measure("notation: move slider k (8-8-8-8-8-8, largest)",
            lambda i: setattr(notation.widths, "value", big) if i == 0 else None,
            lambda i: setattr(notation.k, "value", 1 + notation.k.value % 8), notation.picture)
    measure("notation: retype the widths (re-layout)",
            lambda i: None, lambda i: setattr(notation.widths, "value", ["3-4-4-2", "8-8-8-8-8-8"][i % 2]),
            notation.picture)

    backprop = BackpropWidget(sizes=(3, 4, 3, 2))
    layers = [o[1] for o in backprop.layer.options]
    measure("backprop: step to the next layer",
            lambda i: None, lambda i: setattr(backprop.layer, "value", layers[(i + 1) % len(layers)]),
            backprop.picture)
    measure("backprop: new seed (new network and sample)",
            lambda i: None, lambda i: setattr(backprop.seed, "value", (backprop.seed.value + 1) % 21),
            backprop.picture)

    explorer = ShapeExplorer(m=3, n=5, k=4)
    measure("shape explorer: move slider n",
            lambda i: None, lambda i: setattr(explorer.n, "value", 1 + (explorer.n.value * 7) % 512),
            explorer.picture)

    conv = ConvWidget(mode="backward", cell=0)
    measure("convolution stepper: next input cell",
            lambda i: None, lambda i: setattr(conv.cell, "value", (conv.cell.value + 1) % (conv.cell.max + 1)),
            conv.picture)
    pool = PoolWidget(stride=1)
    measure("pooling router: next output cell",
            lambda i: None, lambda i: setattr(pool.cell, "value", (pool.cell.value + 1) % (pool.cell.max + 1)),
            pool.picture)


if __name__ == "__main__":
    main()
