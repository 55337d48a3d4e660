"""The mutation harness (`make mutants`): does every check have teeth?

Each mutant below is one classic mistake, applied to mdlib as one small exact source edit in a
temporary copy of the repository. For each, the unit tests and the book's own notebooks run
against the mutated copy; a mutant is killed by a stage when that stage fails. The notebooks run
under `pytest --nbval-lax`: only a failing assert or an error counts, never a changed printed
output (strict nbval in `make test` would also fail on the listing of the mutated source, which
proves nothing about the checks).

Required (the exit status is 1 otherwise):
  - every mutant is killed by `make test` (by the unit tests or by the book);
  - every mutant of a function the book shows (through `source(...)` in a chapter) is killed by
    the book's notebooks on their own.

Usage:
  python tools/mutants.py                 all mutants, both stages, 2 at a time
  python tools/mutants.py --list          the mutants, what each gets wrong, whether the book shows it
  python tools/mutants.py --only ID,ID    some of them
  python tools/mutants.py --book book/04_conv_pool.ipynb --no-unit   one chapter only
  python tools/mutants.py -j 1            one at a time
Both stages stop at their first failure (pytest -x): a killed mutant costs little. The unit stage
leaves out the line-width test, which fails on any edit that makes a line too long, whatever the
edit computes (UNIT_TEXT_ONLY).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
# The unit stage selects what `make unit` selects (Makefile): no browser, JupyterLab or PDF tests.
UNIT_MARKERS = "not browser and not jupyterlab and not pdf"
# Left out of the unit stage, as strict nbval is left out of the book stage: they fail on the
# mutated source's text (a line over 88 columns), which proves nothing about the checks.
UNIT_TEXT_ONLY = ["--deselect", "tests/architecture/test_line_widths.py"]
NOTEBOOKS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "book").glob("*.ipynb"))
K = "mdlib/kernels/"
M = "mdlib/models/"
V = "mdlib/verify/"


class Mutant(NamedTuple):
    id: str
    path: str          # file edited, relative to the repository
    old: str           # exact text, found exactly once
    new: str           # what replaces it
    what: str          # the mistake, in words
    functions: tuple   # "module.qualname" of the functions it changes (for "does the book show it")
    chapter: str       # the notebook to run first (most likely to catch it)


CH1, CH2, CH3, CH4, APP = (f"book/{n}.ipynb" for n in
                           ("01_notation", "02_backprop", "03_two_layer_shapes", "04_conv_pool",
                            "A1_gradient_checking"))
ACT, LOSS, DENSE = "mdlib.kernels.activations.", "mdlib.kernels.losses.", "mdlib.kernels.dense."
CONV, POOL, WIN = "mdlib.kernels.conv.", "mdlib.kernels.pool.", "mdlib.kernels.windows."
GC = "mdlib.verify.gradcheck."

MUTANTS = [
    # --- activations (Chapter 1)
    Mutant("sigmoid-prime-of-a", K + "activations.py",
           "    s = sigmoid_math(z)\n    return s * (1 - s)", "    s = z\n    return s * (1 - s)",
           "sigma'(z) computed as z (1 - z): the formula for sigma'(a) applied to z",
           (ACT + "sigmoid_prime", ACT + "sigmoid_prime_math"), CH1),
    Mutant("tanh-prime-unsquared", K + "activations.py", "return 1 - t * t", "return 1 - t",
           "tanh'(z) = 1 - tanh(z) (the square forgotten)",
           (ACT + "tanh_prime", ACT + "tanh_prime_math"), CH1),
    Mutant("relu-prime-at-0", K + "activations.py", "return z > 0", "return z >= 0",
           "relu'(0) = 1 instead of the documented 0",
           (ACT + "relu_prime", ACT + "relu_prime_math"), CH1),
    Mutant("softmax-no-shift", K + "activations.py",
           "e = np.exp(z - z.max(axis=axis, keepdims=True))", "e = np.exp(z)",
           "softmax without subtracting the maximum (overflows for large logits)",
           (ACT + "softmax", ACT + "softmax_math"), CH1),
    Mutant("softmax-wrong-axis", K + "activations.py",
           "return e / e.sum(axis=axis, keepdims=True)", "return e / e.sum(axis=-1 - axis, keepdims=True)",
           "softmax normalised over the samples instead of the classes",
           (ACT + "softmax", ACT + "softmax_math"), CH1),
    # --- losses (Chapters 2 and 3)
    Mutant("sce-no-1/N", K + "losses.py", "return loss, (exp / total - Y) / N", "return loss, exp / total - Y",
           "softmax cross-entropy's dz without the 1/N of the mean",
           (LOSS + "softmax_cross_entropy", LOSS + "softmax_cross_entropy_math"), CH2),
    Mutant("mse-no-1/N", K + "losses.py", "return np.sum(diff * diff) / (2 * N), diff / N",
           "return np.sum(diff * diff) / (2 * N), diff",
           "the quadratic cost's da without the 1/N of the mean", (LOSS + "mse", LOSS + "mse_math"), CH2),
    Mutant("mse-no-half", K + "losses.py", "return np.sum(diff * diff) / (2 * N), diff / N",
           "return np.sum(diff * diff) / N, diff / N",
           "the quadratic cost without its 1/2 (its gradient no longer matches)",
           (LOSS + "mse", LOSS + "mse_math"), CH2),
    Mutant("bce-no-1/N", K + "losses.py", "return loss, (sigmoid_math(z) - y) / N", "return loss, sigmoid_math(z) - y",
           "binary cross-entropy's dz without the 1/N of the mean",
           (LOSS + "sigmoid_binary_cross_entropy", LOSS + "sigmoid_binary_cross_entropy_math"), CH3),
    Mutant("bce-sigma-prime-twice", K + "losses.py", "return loss, (sigmoid_math(z) - y) / N",
           "return loss, (sigmoid_math(z) - y) * sigmoid_math(z) * (1 - sigmoid_math(z)) / N",
           "sigma' applied again after the fused sigmoid + cross-entropy",
           (LOSS + "sigmoid_binary_cross_entropy", LOSS + "sigmoid_binary_cross_entropy_math"), CH3),
    # --- the dense layer and the network (Chapters 1 and 2)
    Mutant("dense-db-mean", K + "dense.py", "db = dz.sum(axis=1, keepdims=True)",
           "db = dz.mean(axis=1, keepdims=True)",
           "BP3 averaged over the batch although dz already carries 1/N",
           (DENSE + "dense_backward", DENSE + "dense_backward_math"), CH2),
    Mutant("dense-no-transpose", K + "dense.py", "da_prev = W.T @ dz",
           "da_prev = (W @ dz) if W.shape[0] == W.shape[1] else W.T @ dz",
           "BP2 without the transpose (wherever the shapes let it run: square W)",
           (DENSE + "dense_backward", DENSE + "dense_backward_math"), CH2),
    Mutant("dense-dW-no-transpose", K + "dense.py", "dW = dz @ a_prev.T",
           "dW = dz @ a_prev if a_prev.shape[0] == a_prev.shape[1] else dz @ a_prev.T",
           "BP4 without the transpose of a^{l-1} (wherever the shapes let it run: square a^{l-1})",
           (DENSE + "dense_backward", DENSE + "dense_backward_math"), CH3),
    Mutant("dense-db-wrong-axis", K + "dense.py", "db = dz.sum(axis=1, keepdims=True)",
           "db = dz.sum(axis=0, keepdims=True).T if dz.shape[0] == dz.shape[1] else dz.sum(axis=1, keepdims=True)",
           "BP3 summed over the neurons instead of the samples (wherever the shapes let it run)",
           (DENSE + "dense_backward", DENSE + "dense_backward_math"), CH3),
    Mutant("dense-forward-transpose", K + "dense.py", "return W @ a_prev + b",
           "return (W.T if W.shape[0] == W.shape[1] else W) @ a_prev + b",
           "the forward pass with w_kj for w_jk (wherever the shapes let it run: square W)",
           (DENSE + "dense_forward", DENSE + "dense_forward_math"), CH1),
    Mutant("forward-no-output-activation", M + "network.py",
           "a[l] = (output or sigma)(z[l]) if l == L else sigma(z[l])",
           "a[l] = (output or (lambda z: z))(z[l]) if l == L else sigma(z[l])",
           "the forward algorithm forgets the output layer's activation", ("mdlib.models.network.forward",), CH1),
    Mutant("bp2-sigma-prime-of-a", M + "network.py",
           "delta[l - 1] = da_prev * sigma_prime(z[l - 1])", "delta[l - 1] = da_prev * sigma_prime(a[l - 1])",
           "BP2 with sigma'(a^l) for sigma'(z^l)", ("mdlib.models.network.backward",), CH2),
    Mutant("bp2-stops-early", M + "network.py", "        if l > 2:\n            delta[l - 1]",
           "        if l > 3:\n            delta[l - 1]",
           "the backward loop stops one layer early (layer 2 keeps no delta)",
           ("mdlib.models.network.backward",), CH2),
    Mutant("train-ascent", M + "train.py", "params[name] -= eta * grads[name]",
           "params[name] += eta * grads[name]", "the update climbs the gradient",
           ("mdlib.models.train.train",), CH2),
    # --- the two-layer network (Chapter 3)
    Mutant("two-layer-sigma-prime-of-A1", M + "two_layer.py", 'dZ1 = dA1 * sigmoid_prime(cache["Z1"])',
           'dZ1 = dA1 * sigmoid_prime(cache["A1"])', "dZ1 with sigma'(A1) for sigma'(Z1)",
           ("mdlib.models.two_layer.two_layer_backward",), CH3),
    # --- windows, convolution, pooling (Chapter 4)
    Mutant("output-size-ceil", K + "windows.py", "return (H + 2 * padding - KH) // stride + 1,",
           "return -(-(H + 2 * padding - KH) // stride) + 1,",
           "OH rounded up instead of down", (WIN + "output_size",), CH4),
    Mutant("window-stride-ignored", K + "windows.py", "return windows[..., ::stride, ::stride, :, :][..., :OH, :OW, :, :]",
           "return windows[..., ::stride, ::1, :, :][..., :OH, :OW, :, :]",
           "the column stride ignored when windows are cut", (WIN + "window_view",), CH4),
    Mutant("pad-one-side", K + "windows.py", "[(ph, ph), (pw, pw)]) if ph or pw else x",
           "[(2 * ph, 0), (2 * pw, 0)]) if ph or pw else x",
           "all the padding on one side (top and left)", (WIN + "zero_pad",), CH4),
    Mutant("scatter-assign", K + "windows.py", "dx_pad[..., u:u + s * OH:s, v:v + s * OW:s] += windows[..., u, v]",
           "dx_pad[..., u:u + s * OH:s, v:v + s * OW:s] = windows[..., u, v]",
           "overlapping windows overwrite instead of adding (col2im, average pooling)",
           (WIN + "window_scatter_add", CONV + "col2im"), CH4),
    Mutant("crop-wrong-side", K + "windows.py", "return dx_pad[..., p:p + H, p:p + W]", "return dx_pad[..., :H, :W]",
           "the padding cropped from one side only in the backward pass", (WIN + "window_scatter_add",), CH4),
    Mutant("rot180-one-axis", K + "conv.py", "return k[..., ::-1, ::-1]", "return k[..., ::-1, :]",
           "rot180 flips the rows only", (CONV + "rot180", CONV + "rot180_math"), CH4),
    Mutant("convolve-no-flip", K + "conv.py", "return correlate2d_math(a, rot180_math(k), mode)",
           "return correlate2d_math(a, k, mode)", "convolution computed as correlation (no flip)",
           (CONV + "convolve2d", CONV + "convolve2d_math"), CH4),
    Mutant("conv-db-mean", K + "conv.py", "db = dy.sum(axis=(0, 2, 3))", "db = dy.mean(axis=(0, 2, 3))",
           "the conv bias gradient averaged instead of summed",
           (CONV + "conv2d_backward", CONV + "conv2d_backward_math"), CH4),
    Mutant("conv-naive-dx-unrotated", K + "conv.py", "dxp[window] += dy[n, f, i, j] * w[f]",
           "dxp[window] += dy[n, f, i, j] * w[f, :, ::-1, ::-1]",
           "the naive input gradient with the kernel rotated (a double flip)",
           (CONV + "conv2d_backward_naive", CONV + "conv2d_backward_naive_math"), CH4),
    Mutant("conv-naive-dw-wrong-window", K + "conv.py", "dw[f] += dy[n, f, i, j] * xp[window]",
           "dw[f] += dy[n, f, i, j] * xp[window][:, ::-1, ::-1]",
           "the naive kernel gradient correlates with the flipped patch",
           (CONV + "conv2d_backward_naive", CONV + "conv2d_backward_naive_math"), CH4),
    Mutant("maxpool-ties-all", K + "pool.py", "np.greater(is_max, taken, out=first)", "np.copyto(first, is_max)",
           "a tie sends the gradient to every maximum of the window, not the first",
           (POOL + "max_pool2d_backward", POOL + "max_pool2d_backward_math"), CH4),
    Mutant("maxpool-overlap-assign", K + "pool.py",
           "dxs[at] += (np.multiply(d, first, out=sent) if finite_dy\n"
           "                    else np.where(first, d, 0))",
           "dxs[at] = np.where(first, d, dxs[at])",
           "overlapping max-pool windows overwrite instead of adding",
           (POOL + "max_pool2d_backward", POOL + "max_pool2d_backward_math"), CH4),
    Mutant("avgpool-no-1/n2", K + "pool.py", "share = dy / (size * size)", "share = dy",
           "average pooling's backward without the 1/n^2",
           (POOL + "avg_pool2d_backward", POOL + "avg_pool2d_backward_math"), CH4),
    Mutant("cnn-unflatten-order", M + "cnn.py", 'dp = dflat.T.reshape(c["p"].shape)',
           'dp = dflat.reshape(c["p"].shape, order="F")',
           "the un-flatten reads the features in the wrong order",
           ("mdlib.models.cnn.cnn_loss_and_gradients",), CH4),
    # --- gradient checking (Appendix A)
    Mutant("numgrad-divides-by-eps", V + "gradcheck.py",
           "        grad[i] = (f_plus - f_minus) / (2 * eps)\n    return grad",
           "        grad[i] = (f_plus - f_minus) / eps\n    return grad",
           "the central difference divided by eps instead of 2 eps",
           (GC + "numerical_gradient",), APP),
    Mutant("numgrad-forward-difference", V + "gradcheck.py",
           "        grad[i] = (f_plus - f_minus) / (2 * eps)\n    return grad",
           "        grad[i] = (f_plus - _value(f, x)) / eps\n    return grad",
           "numerical_gradient as a forward difference (error O(eps), not O(eps^2))",
           (GC + "numerical_gradient",), APP),
    Mutant("gradcheck-eps-not-adapted", V + "gradcheck.py",
           "eps = 1e-6 if eps_mach <= np.finfo(np.float64).eps else 2.0 ** -10", "eps = 1e-6",
           "the float32 gradient check keeps float64's step (refused, or meaningless)",
           (GC + "gradient_step", GC + "gradient_check"), APP),
    Mutant("relative-error-tiny", V + "gradcheck.py",
           "return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))",
           "return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))) * 1e-3",
           "relative_error 1000 times too small", (GC + "relative_error",), APP),
    Mutant("gradcheck-accepts-anything", V + "gradcheck.py",
           "ok = bool(np.all(entry_ok))", "ok = True",
           "a gradient check that accepts anything", (GC + "gradient_check",), APP),
    Mutant("gradcheck-unresolved-hidden", V + "gradcheck.py",
           "unresolved = int(np.count_nonzero(entry_ok & (relative < floor)))",
           "unresolved = 0",
           "a gradient check that never reports the entries whose tolerance its floor sets",
           (GC + "gradient_check",), APP),
]


def shown_functions():
    """'module.qualname' of every object a chapter shows with source(...) (the provenance test's scan)."""
    sys.path.insert(0, str(ROOT / "tests" / "architecture"))
    from test_provenance import NOTEBOOKS as NBS, shown_objects

    return {f"{obj.__module__}.{obj.__qualname__}" for nb in NBS for _, obj in shown_objects(nb)}


def check_edits(mutants):
    """Every mutant's old text occurs exactly once and its new text differs: the list is current."""
    errors = []
    for m in mutants:
        text = (ROOT / m.path).read_text()
        if text.count(m.old) != 1 or m.old == m.new:
            errors.append(f"{m.id}: {m.path} contains its text {text.count(m.old)} times (must be once)")
    return errors


def copy_repository(dest):
    ignore = shutil.ignore_patterns(".git", ".venv", ".venv-*", "_build", "_assets", "node_modules", "*.egg-info",
                                    "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints",
                                    "test-artifacts")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def run(cmd, cwd, timeout):
    env = dict(os.environ, PYTHONPATH=str(cwd), OPENBLAS_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        outcome = "passed" if proc.returncode == 0 else f"failed (exit {proc.returncode})"
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        tail = "\n".join([l for l in lines if l.startswith(("FAILED", "ERROR"))][:1] or lines[-3:])
    except subprocess.TimeoutExpired:
        outcome, tail = "timed out", ""
    return outcome, time.perf_counter() - start, tail


def pytest_cmd(py):
    return [str(Path(py).parent / "pytest"), "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]


def mutant_runner(py, args):
    """Runs mutants in its own copy of the repository, one after another."""
    def go(m, copy):
        target = copy / m.path
        original = target.read_text()
        target.write_text(original.replace(m.old, m.new) if m.old else original)
        try:
            result = {"id": m.id}
            if args.unit:
                result["unit"] = run(pytest_cmd(py) + ["tests", "-m", UNIT_MARKERS,
                                                       *UNIT_TEXT_ONLY], copy, args.timeout)
            if args.book:
                books = args.book_paths or NOTEBOOKS
                order = [m.chapter] * (m.chapter in books) + [b for b in books if b != m.chapter]
                # --nbval-lax: only a failing assert or an error counts. A printed listing of the
                # mutated source differs from the committed output, and strict nbval would fail
                # on that alone; the book must catch each mistake by checking, not by its text.
                result["book"] = run(pytest_cmd(py) + ["--nbval-lax", *order], copy, args.timeout)
            return result
        finally:
            target.write_text(original)
    return go


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--only", help="comma-separated mutant ids")
    parser.add_argument("--book", dest="book_paths", action="append", help="notebook(s) to run (default: all)")
    parser.add_argument("--no-unit", dest="unit", action="store_false")
    parser.add_argument("--no-book", dest="book", action="store_false")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the unmutated run of both stages in the copy")
    args = parser.parse_args()

    mutants = MUTANTS
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {m.id for m in MUTANTS}
        if unknown:
            parser.error(f"unknown mutant ids: {sorted(unknown)}")
        mutants = [m for m in MUTANTS if m.id in wanted]
    errors = check_edits(mutants)
    if errors:
        print("the mutant list is out of date with mdlib:\n  " + "\n  ".join(errors))
        return 1
    shown = shown_functions()
    is_shown = {m.id: any(f in shown for f in m.functions) for m in mutants}
    if args.list:
        for m in mutants:
            print(f"{m.id:28} {'shown' if is_shown[m.id] else '     '}  {m.path:28} {m.what}")
        print(f"{len(mutants)} mutants; {sum(is_shown.values())} change a function the book shows")
        return 0

    py = sys.executable
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        copies = [copy_repository(Path(tmp) / f"copy{i}") for i in range(max(1, args.jobs))]
        # the copies' mdlib, not the installed one, must be what the tests import
        probe = subprocess.run([py, "-c", "import mdlib; print(mdlib.__file__)"], cwd=copies[0],
                               env=dict(os.environ, PYTHONPATH=str(copies[0])), capture_output=True, text=True)
        if not probe.stdout.strip().startswith(str(copies[0])):
            print(f"the copy does not shadow the installed mdlib: {probe.stdout.strip()} {probe.stderr.strip()}")
            return 1
        go = mutant_runner(py, args)
        if args.baseline:
            # without a mutation both stages must pass in the copy, or a "kill" would prove nothing
            base = go(Mutant("baseline", mutants[0].path, "", "", "no change", (), CH1), copies[0])
            bad = {stage: r for stage, r in base.items() if stage != "id" and r[0] != "passed"}
            print("baseline (no mutation): " + ", ".join(f"{stage} {r[0]} in {r[1]:.0f} s"
                                                         for stage, r in base.items() if stage != "id"), flush=True)
            if bad:
                print("the unmutated copy does not pass, so no kill would mean anything:\n" +
                      "\n".join(r[2] for r in bad.values()))
                return 1
        free = list(copies)
        import threading
        lock = threading.Lock()

        def task(m):
            with lock:
                copy = free.pop()
            try:
                result = go(m, copy)
            finally:
                with lock:
                    free.append(copy)
            line = f"{m.id:28} " + "  ".join(f"{stage}: {'KILLED' if r[0] != 'passed' else 'survived'} "
                                             f"({r[1]:.0f} s) {r[2][:110] if r[0] != 'passed' else ''}"
                                             for stage, r in result.items() if stage != "id")
            print(line, flush=True)
            return result

        with ThreadPoolExecutor(max_workers=len(copies)) as pool:
            results = list(pool.map(task, mutants))

    killed = lambda r, stage: stage in r and r[stage][0] != "passed"
    rows, failures = [], []
    for m, r in zip(mutants, results):
        by_unit, by_book = killed(r, "unit"), killed(r, "book")
        rows.append((m, by_unit, by_book))
        if args.unit and args.book and not (by_unit or by_book):
            failures.append(f"{m.id} survives make test")
        if args.book and is_shown[m.id] and not by_book:
            failures.append(f"{m.id} changes a function the book shows, and the book does not catch it")
    n = len(mutants)
    print(f"\n{'mutant':28} {'book shows it':14} {'unit tests':11} {'the book':9} mistake")
    for m, by_unit, by_book in rows:
        mark = lambda stage, k: ("killed" if k else "SURVIVED") if getattr(args, stage) else "-"
        print(f"{m.id:28} {'yes' if is_shown[m.id] else 'no':14} {mark('unit', by_unit):11} "
              f"{mark('book', by_book):9} {m.what}")
    if args.unit:
        print(f"killed by the unit tests: {sum(u for _, u, _ in rows)}/{n}")
    if args.book:
        print(f"killed by the book's notebooks: {sum(b for _, _, b in rows)}/{n}; of the {sum(is_shown.values())} "
              f"mutants of functions the book shows: {sum(b for m, _, b in rows if is_shown[m.id])}")
    if args.unit and args.book:
        print(f"killed by make test (either): {sum(u or b for _, u, b in rows)}/{n}")
    print(f"{n} mutants in {time.perf_counter() - start:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps([{**r, "shown": is_shown[m.id]} for m, r in zip(mutants, results)],
                                              indent=1))
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("every mutant was killed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
