"""The exercise checkers accept the reference solutions and reject each typical mistake with its hint.

The reference solutions live here, not in mdlib, so that a reader of the library does not see
them; they are written in plain NumPy, the way a reader would, not by calling mdlib's kernels.
Each wrong attempt is a small function with one typical mistake; the test asserts that the
checker says ok=False with that mistake's hint. Plus: an exception, a wrong shape, an input
changed in place and a mistake no hint knows are each reported, and every message fits 88 columns.
"""
import time

import numpy as np
import pytest

from mdlib.kernels.activations import sigmoid_prime
from mdlib.kernels.conv import convolve2d, correlate2d, rot180
from mdlib.verify import exercises as ex


def lines_fit(message):
    return all(len(line) <= 88 for line in message.splitlines())


def sig(Z):
    return 1 / (1 + np.exp(-Z))


# --- Chapter 2: the batch backward pass -----------------------------------------------------------

def backward_solution(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l] = delta[l] @ a[l - 1].T                                    # BP4
        db[l] = delta[l].sum(axis=1, keepdims=True)                      # BP3
        if l > 2:
            delta[l - 1] = (W[l].T @ delta[l]) * sigma_prime(z[l - 1])   # BP2
    return delta, dW, db


def bw_prime_of_a(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        if l > 2:
            delta[l - 1] = (W[l].T @ delta[l]) * sigma_prime(a[l - 1])   # a for z
    return delta, dW, db


def bw_no_transpose(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        if l > 2:
            delta[l - 1] = (W[l] @ delta[l]) * sigma_prime(z[l - 1])     # W for W^T
    return delta, dW, db


def bw_no_transpose_square(W, z, a, delta_L, sigma_prime):
    """The same mistake, where every product still aligns (the square 3-3-3 case)."""
    if any(w.shape[0] != w.shape[1] for w in W.values()):
        return backward_solution(W, z, a, delta_L, sigma_prime)
    return bw_no_transpose(W, z, a, delta_L, sigma_prime)


def bw_stops_early(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 2, -1):                                            # misses l = 2
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        delta[l - 1] = (W[l].T @ delta[l]) * sigma_prime(z[l - 1])
    return delta, dW, db


def bw_delta_1(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        delta[l - 1] = (W[l].T @ delta[l]) * sigma_prime(z[l - 1])      # z[1] does not exist
    return delta, dW, db


def bw_delta_1_returned(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        back = W[l].T @ delta[l]
        delta[l - 1] = back * sigma_prime(z[l - 1]) if l > 2 else back   # a delta for the input
    return delta, dW, db


def bw_mean(W, z, a, delta_L, sigma_prime):
    L, N = max(W), delta_L.shape[1]
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l] = delta[l] @ a[l - 1].T / N                                # a second 1/N
        db[l] = delta[l].mean(axis=1, keepdims=True)
        if l > 2:
            delta[l - 1] = (W[l].T @ delta[l]) * sigma_prime(z[l - 1])
    return delta, dW, db


def bw_sigma_twice(W, z, a, delta_L, sigma_prime):
    L = max(W)
    return backward_solution(W, z, a, delta_L * sigma_prime(z[L]), sigma_prime)


def bw_hard_sigmoid(W, z, a, delta_L, sigma_prime):
    return backward_solution(W, z, a, delta_L, sigmoid_prime)


def bw_db_flat(W, z, a, delta_L, sigma_prime):
    delta, dW, db = backward_solution(W, z, a, delta_L, sigma_prime)
    return delta, dW, {l: delta[l].sum(axis=1) for l in db}


def bw_dW_transposed(W, z, a, delta_L, sigma_prime):
    delta, dW, db = backward_solution(W, z, a, delta_L, sigma_prime)
    return delta, {l: a[l - 1] @ delta[l].T for l in dW}, db


def bw_a_l(W, z, a, delta_L, sigma_prime):
    delta, dW, db = backward_solution(W, z, a, delta_L, sigma_prime)
    return delta, {l: delta[l] @ a[l].T for l in dW}, db


def bw_db_axis0(W, z, a, delta_L, sigma_prime):
    delta, dW, db = backward_solution(W, z, a, delta_L, sigma_prime)
    return delta, dW, {l: delta[l].sum(axis=0, keepdims=True) for l in db}


def bw_no_sigma_prime(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        if l > 2:
            delta[l - 1] = W[l].T @ delta[l]                             # no sigma'(z)
    return delta, dW, db


def bw_db_first_sample(W, z, a, delta_L, sigma_prime):
    delta, dW, db = backward_solution(W, z, a, delta_L, sigma_prime)
    return delta, dW, {l: delta[l][:, [0]] for l in db}                  # sample 1 only


def bw_prime_wrong_layer(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        if l > 2:
            delta[l - 1] = (W[l].T @ delta[l]) * sigma_prime(z[l])      # z[l] for z[l-1]
    return delta, dW, db


def bw_prime_wrong_layer_square(W, z, a, delta_L, sigma_prime):
    """The same mistake, where the shapes still agree (the square 3-3-3 case)."""
    if any(w.shape[0] != w.shape[1] for w in W.values()):
        return backward_solution(W, z, a, delta_L, sigma_prime)
    return bw_prime_wrong_layer(W, z, a, delta_L, sigma_prime)


def bw_dW_elementwise(W, z, a, delta_L, sigma_prime):
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] * a[l - 1], delta[l].sum(axis=1, keepdims=True)  # * for @ .T
        if l > 2:
            delta[l - 1] = (W[l].T @ delta[l]) * sigma_prime(z[l - 1])
    return delta, dW, db


def bw_bp2_elementwise(W, z, a, delta_L, sp):                      # its own name for sigma'
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        if l > 2:
            delta[l - 1] = (W[l].T * delta[l]) * sp(z[l - 1])              # * for @
    return delta, dW, db


def bw_prime_wrong_layer_own_name(W, z, a, delta_L, dsig):
    """The wrong layer's sigma', called under the attempt's own name and an alias."""
    L = max(W)
    delta, dW, db = {L: delta_L}, {}, {}
    deriv = dsig
    for l in range(L, 1, -1):
        dW[l], db[l] = delta[l] @ a[l - 1].T, delta[l].sum(axis=1, keepdims=True)
        if l > 2:
            delta[l - 1] = (W[l].T @ delta[l]) * deriv(
                z[l])                                                    # z[l] for z[l-1]
    return delta, dW, db


BACKWARD_MISTAKES = [
    (bw_no_sigma_prime, "matches BP2 without σ′(zˡ)"),
    (bw_db_first_sample, "is the first sample's δ only"),
    (bw_prime_wrong_layer, "shapes differ: σ′ of the wrong layer?"),
    (bw_prime_wrong_layer_own_name, "shapes differ: σ′ of the wrong layer?"),
    (bw_dW_elementwise, "`*` where `@` is needed (BP4 δˡ @ (aˡ⁻¹)ᵀ, BP2 (Wˡ⁺¹)ᵀ @ δˡ⁺¹)"),
    (bw_bp2_elementwise, "`*` where `@` is needed (BP4 δˡ @ (aˡ⁻¹)ᵀ, BP2 (Wˡ⁺¹)ᵀ @ δˡ⁺¹)"),
    (bw_prime_wrong_layer_square, "uses σ′(zˡ⁺¹), the layer the error comes from"),
    (bw_prime_of_a, "uses σ′(a) where BP2 needs σ′(z)"),
    (bw_no_transpose, "a missing transpose?"),
    (bw_no_transpose_square, "matches Wˡ δˡ without the transpose"),
    (bw_stops_early, "the loop stops one layer early"),
    (bw_delta_1, "your loop asks for layer 1"),
    (bw_delta_1_returned, "layer 1 is the input"),
    (bw_mean, "N times too small"),
    (bw_sigma_twice, "delta_L already holds BP1's σ′(zᴸ)"),
    (bw_hard_sigmoid, "call the sigma_prime argument"),
    (bw_db_flat, "lost its column axis"),
    (bw_dW_transposed, "is transposed: BP4 is ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ"),
    (bw_a_l, "uses aˡ where BP4 needs aˡ⁻¹"),
    (bw_db_axis0, "is summed over the units (axis 0)"),
]


# --- Chapter 3: two layers, samples as rows -----------------------------------------------------------

def rows_solution(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    A1 = sig(X @ W1 + b1)                      # (n, k)
    A2 = sig(A1 @ W2 + b2)                     # (n, 1)
    dZ2 = (A2 - Y) / n
    dW2, db2 = A1.T @ dZ2, dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
    dW1, db1 = X.T @ dZ1, dZ1.sum(axis=0, keepdims=True)
    return dW1, db1, dW2, db2


def rows_with(mistake):
    """The row-layout pass with one mistake, written out as the reader would."""
    def attempt(X, Y, W1, b1, W2, b2):
        n = X.shape[0]
        A1 = sig(X @ (W1.T if mistake == "forward_T" else W1) + b1)
        A2 = sig(A1 @ W2 + b2)
        dZ2 = (A2 - Y) if mistake == "no_1_n" else (A2 - Y) / n
        if mistake == "sigma_twice":
            dZ2 = dZ2 * A2 * (1 - A2)
        dZ1 = (dZ2 @ W2.T) * (sig(A1) * (1 - sig(A1)) if mistake == "prime_of_a" else A1 * (1 - A1))
        if mistake == "columns":
            dW2, dW1 = dZ2.T @ A1, dZ1.T @ X
        else:
            dW2, dW1 = A1.T @ dZ2, X.T @ dZ1
        axis = 1 if mistake == "axis1" else 0
        keep = mistake != "flat"
        db2, db1 = dZ2.sum(axis=axis, keepdims=keep), dZ1.sum(axis=axis, keepdims=keep)
        if mistake == "twice_1_n":
            dW1, db1, dW2, db2 = dW1 / n, db1 / n, dW2 / n, db2 / n
        if mistake == "order":
            return dW2, db2, dW1, db1
        return dW1, db1, dW2, db2
    attempt.__name__ = f"rows_{mistake}"
    return attempt


def rows_columns_square_only(X, Y, W1, b1, W2, b2):
    """dW1 in the column layout's order only: the shapes betray it unless m = k."""
    dW1, db1, dW2, db2 = rows_solution(X, Y, W1, b1, W2, b2)
    return (dW1.T if dW1.shape[0] == dW1.shape[1] else dW1), db1, dW2, db2


def rows_forward_T_square(X, Y, W1, b1, W2, b2):
    """X_r W1r^T in the forward pass, where it still aligns (m = k)."""
    if W1.shape[0] != W1.shape[1]:
        return rows_solution(X, Y, W1, b1, W2, b2)
    return rows_with("forward_T")(X, Y, W1, b1, W2, b2)


ROWS_MISTAKES = [
    (rows_with("columns"), "is the transpose of the row-layout gradient"),
    (rows_columns_square_only, "dW1 is the transpose of the row-layout gradient"),
    (rows_with("axis1"), "summed over axis 1, the column layout's axis"),
    (rows_with("flat"), "lost an axis"),
    (rows_with("no_1_n"), "n times too large"),
    (rows_with("twice_1_n"), "n times too small"),
    (rows_with("sigma_twice"), "σ′ applied twice"),
    (rows_with("prime_of_a"), "uses σ′(A₁) where dZ₁ needs σ′(Z₁)"),
    (rows_with("forward_T"), "in rows every product is transposed"),
    (rows_forward_T_square, "matches a forward pass with Xᵣ W₁ᵣᵀ"),
    (rows_with("order"), "return dW1, db1, dW2, db2 in this order"),
]


# --- Chapter 4: convolution ------------------------------------------------------------------------------

def conv_solution(dy, x, w):
    F, D, R, S = w.shape
    OH, OW = dy.shape[2:]
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i in range(OH):
        for j in range(OW):
            g = dy[:, :, i, j]                                                    # (N, F)
            dw += np.einsum("nf,ndrs->fdrs", g, x[:, :, i:i + R, j:j + S])
            dx[:, :, i:i + R, j:j + S] += np.einsum("nf,fdrs->ndrs", g, w)
    return dx, dw, dy.sum(axis=(0, 2, 3))


def conv_loops(dx_term=None, dw_term=None, maps=None, samples=None, overwrite_dw=False,
               db=lambda dy: dy.sum(axis=(0, 2, 3))):
    """A per-image loop version of the backward pass, with the pieces a mistake replaces."""
    dx_term = dx_term or (lambda d, k: convolve2d(d, k, "full"))
    dw_term = dw_term or (lambda a, d: correlate2d(a, d))

    def attempt(dy, x, w):
        (N, F), D = dy.shape[:2], x.shape[1]
        dx, dw = np.zeros_like(x), np.zeros_like(w)
        for n in range(N) if samples is None else samples(N):
            for f in range(F) if maps is None else maps(F):
                for c in range(D):
                    dx[n, c] += dx_term(dy[n, f], w[f, c])
                    if overwrite_dw:
                        dw[f, c] = dw_term(x[n, c], dy[n, f])
                    else:
                        dw[f, c] += dw_term(x[n, c], dy[n, f])
        if samples is not None:                 # a mistake in dw only: the right dx
            dx = conv_solution(dy, x, w)[0]
        return dx, dw, db(dy)
    return attempt


def padded(d, R, S):
    return np.pad(d, ((R - 1, R - 1), (S - 1, S - 1)))


def conv_wrong_order(dy, x, w):
    """dw as the zero-padded delta correlated with x (the wrong order)."""
    dx, _, db = conv_solution(dy, x, w)
    R, S = w.shape[2:]
    dw = np.zeros_like(w)
    for n in range(x.shape[0]):
        for f in range(w.shape[0]):
            for c in range(x.shape[1]):
                dw[f, c] += correlate2d(padded(dy[n, f], R, S), x[n, c])
    return dx, dw, db


def conv_swapped_unpadded(dy, x, w):
    """correlate2d(delta, x): the other order, which mdlib refuses (the kernel is larger)."""
    dx, _, db = conv_solution(dy, x, w)
    dw = np.zeros_like(w)
    for n in range(x.shape[0]):
        for f in range(w.shape[0]):
            for c in range(x.shape[1]):
                dw[f, c] += correlate2d(dy[n, f], x[n, c])
    return dx, dw, db


def conv_db(db):
    def attempt(dy, x, w):
        dx, dw, _ = conv_solution(dy, x, w)
        return dx, dw, db(dy)
    return attempt


def conv_dw_mean(dy, x, w):
    dx, dw, db = conv_solution(dy, x, w)
    return dx, dw / x.shape[0], db


CONV_MISTAKES = [
    (conv_loops(dx_term=lambda d, k: correlate2d(d, k, "full")),
     "dx matches the full correlation with the unrotated kernel"),
    (conv_loops(dx_term=lambda d, k: convolve2d(d, rot180(k), "full")), "the kernel rotated twice"),
    (conv_loops(maps=lambda F: [0]), "dx uses only the map f = 0"),
    (conv_loops(maps=lambda F: [F - 1]), "the loop over f overwrites dx[n, c]"),
    (conv_loops(samples=lambda N: [0]), "dw uses only the sample n = 0"),
    (conv_wrong_order, "dw is turned by 180 degrees: δ correlated with x"),
    (conv_swapped_unpadded, "a valid correlation needs the larger array first"),
    (conv_loops(dw_term=lambda a, d: convolve2d(a, d)), "dw is the convolution of x with δ"),
    (conv_loops(samples=lambda N: range(N), overwrite_dw=True), "the loop over n overwrites dw[f, c]"),
    (conv_dw_mean, "dw is the batch sum divided by N"),
    (conv_db(lambda dy: dy.mean(axis=(0, 2, 3))), "db is a mean"),
    (conv_db(lambda dy: dy.sum(axis=(0, 2, 3)) / dy.shape[0]), "db is divided by N"),
    (conv_db(lambda dy: dy.sum(axis=(2, 3))), "db is not summed over the batch"),
    (conv_db(lambda dy: dy[0].sum(axis=(1, 2))), "db uses only the sample n = 0"),
    (conv_db(lambda dy: dy[-1].sum(axis=(1, 2))), "db holds only the last sample's sum"),
    (conv_db(lambda dy: dy.mean(axis=(2, 3)).sum(axis=0)), "db averages over the positions"),
]


# --- Chapter 4: max pooling --------------------------------------------------------------------------------

def pool_solution(dy, x, size):
    N, C, OH, OW = dy.shape
    dx = np.zeros_like(x)
    n, c = np.indices((N, C))
    for i in range(OH):
        for j in range(OW):
            window = x[:, :, i * size:(i + 1) * size, j * size:(j + 1) * size].reshape(N, C, -1)
            u, v = np.divmod(window.argmax(axis=2), size)           # the first maximum
            dx[n, c, i * size + u, j * size + v] += dy[:, :, i, j]
    return dx


def pool_with(route, stride=None):
    """A loop over the windows; route(window) gives the share of dy each cell receives."""
    def attempt(dy, x, size):
        s = size if stride is None else stride
        dx = np.zeros_like(x)
        N, C, OH, OW = dy.shape
        for n in range(N):
            for c in range(C):
                for i in range(OH):
                    for j in range(OW):
                        window = x[n, c, i * s:i * s + size, j * s:j * s + size]
                        dx[n, c, i * s:i * s + size, j * s:j * s + size] += dy[n, c, i, j] * route(window)
        return dx
    return attempt


def last_max(window):
    mask = np.zeros(window.shape)
    flat = window.ravel()
    mask[np.unravel_index(flat.size - 1 - np.argmax(flat[::-1]), window.shape)] = 1
    return mask


def first_max(window):
    mask = np.zeros(window.shape)
    mask[np.unravel_index(np.argmax(window), window.shape)] = 1
    return mask


def pool_reshape_no_transpose(dy, x, size):
    N, C, OH, OW = dy.shape
    windows = x.reshape(N, C, OH, OW, size * size)
    mask = np.arange(size * size) == windows.argmax(axis=-1)[..., None]
    return (mask * dy[..., None]).reshape(x.shape)


def pool_blocks_uncropped(dy, x, size):
    """Right where size divides H and W; reshapes the whole input otherwise."""
    N, C, OH, OW = dy.shape
    blocks = x.reshape(N, C, OH, size, OW, size).transpose(0, 1, 2, 4, 3, 5).reshape(N, C, OH, OW, -1)
    mask = np.arange(size * size) == blocks.argmax(axis=-1)[..., None]
    d = (mask * dy[..., None]).reshape(N, C, OH, OW, size, size)
    return d.transpose(0, 1, 2, 4, 3, 5).reshape(x.shape)


POOL_MISTAKES = [
    (pool_with(lambda w: (w == w.max()).astype(float)), "dy to every tied maximum"),
    (pool_with(last_max), "the LAST tied maximum"),
    (pool_with(lambda w: np.full(w.shape, 1 / w.size)), "average pooling's backward pass"),
    (pool_with(np.ones_like), "copies dy to every cell of its window"),
    (pool_with(first_max, stride=1), "windows that start at (i, j)"),
    (pool_reshape_no_transpose, "x.reshape(N, C, OH, OW, size, size)"),
    (pool_blocks_uncropped, "H and W need not be multiples of size"),
    (lambda dy, x, size: pool_with(first_max)(np.ones_like(dy), x, size), "dx holds 1 at each maximum"),
]


# --- the tests ---------------------------------------------------------------------------------------------

CHECKERS = {
    "backward": (ex.check_backward, backward_solution, BACKWARD_MISTAKES),
    "two_layer_rows": (ex.check_two_layer_backward, rows_solution, ROWS_MISTAKES),
    "conv": (ex.check_conv_backward, conv_solution, CONV_MISTAKES),
    "max_pool": (ex.check_max_pool_backward, pool_solution, POOL_MISTAKES),
}


@pytest.mark.parametrize("which", CHECKERS)
def test_the_solution_passes_quickly_and_says_what_was_checked(which, capsys):
    check, solution, _ = CHECKERS[which]
    check(solution, quiet=True)                       # the cases are built once; time a later call
    start = time.perf_counter()
    result = check(solution)
    elapsed = time.perf_counter() - start
    assert result.ok, result.message
    text = " ".join(result.message.split())
    assert text.startswith("OK: ") and "central differences" in text and " cases: " in text, text
    assert lines_fit(result.message), result.message
    assert capsys.readouterr().out.strip() == result.message       # printed for the notebook
    assert elapsed < 1.0, elapsed


@pytest.mark.parametrize("which, attempt, hint",
                         [(w, a, h) for w, (_, _, mistakes) in CHECKERS.items() for a, h in mistakes],
                         ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_each_typical_mistake_fails_with_its_hint(which, attempt, hint):
    result = CHECKERS[which][0](attempt, quiet=True)
    assert not result.ok
    assert hint in " ".join(result.message.split()), result.message
    assert "Hint: " in result.message and lines_fit(result.message), result.message
    assert "(see " in " ".join(result.message.split()), result.message   # names the section


def raises(*args):
    raise RuntimeError("not implemented yet")


def wrong_shape(which):
    def attempt(*args):
        out = CHECKERS[which][1](*args)
        if which == "backward":
            delta, dW, db = out
            return delta, {l: g[:, :-1] for l, g in dW.items()}, db
        if which == "max_pool":
            return out[:, :, :-1]
        return (out[0][..., :-1],) + tuple(out[1:])
    return attempt


def in_place(which):
    def attempt(*args):
        out = CHECKERS[which][1](*args)
        first = args[0] if isinstance(args[0], np.ndarray) else args[0][max(args[0])]
        first *= 2.0                                       # the result is right, the input is spoilt
        return out
    return attempt


def unknown_mistake(which):
    def attempt(*args):
        out = CHECKERS[which][1](*args)
        bump = lambda g: g + 0.1 * np.cos(np.arange(g.size).reshape(g.shape))
        if which == "backward":
            delta, dW, db = out
            return delta, {l: bump(g) for l, g in dW.items()}, db
        if which == "max_pool":
            return bump(out)
        return tuple(bump(g) for g in out)
    return attempt


@pytest.mark.parametrize("which", CHECKERS)
def test_an_exception_is_reported_with_the_case(which):
    result = CHECKERS[which][0](raises, quiet=True)
    assert not result.ok
    text = " ".join(result.message.split())
    assert "raised RuntimeError: not implemented yet" in text and "(case: " in text
    assert lines_fit(result.message)


@pytest.mark.parametrize("which", CHECKERS)
def test_a_wrong_shape_names_expected_and_got(which):
    result = CHECKERS[which][0](wrong_shape(which), quiet=True)
    text = " ".join(result.message.split())
    assert not result.ok and " has shape (" in text and "; expected (" in text, result.message
    assert lines_fit(result.message)


@pytest.mark.parametrize("which", CHECKERS)
def test_an_input_changed_in_place_is_reported_and_the_cases_survive(which):
    check, solution, _ = CHECKERS[which]
    result = check(in_place(which), quiet=True)
    assert not result.ok and "changed its input" in result.message and "in place" in result.message
    assert check(solution, quiet=True).ok          # the checker's own arrays were not touched


@pytest.mark.parametrize("which", CHECKERS)
def test_a_mistake_no_hint_knows_still_fails(which):
    result = CHECKERS[which][0](unknown_mistake(which), quiet=True)
    assert not result.ok
    assert "no typical mistake matches" in result.message and "differs from mdlib's" in result.message
    assert lines_fit(result.message)


@pytest.mark.parametrize("which", CHECKERS)
def test_results_that_are_not_arrays_and_non_functions_are_reported(which):
    check = CHECKERS[which][0]
    for fn in (lambda *args: None, lambda *args: "dx"):
        result = check(fn, quiet=True)
        assert not result.ok and "returned" in result.message and lines_fit(result.message), result.message
    result = check(42, quiet=True)
    assert not result.ok and "pass the function itself" in result.message


def test_nan_results_fail():
    result = ex.check_max_pool_backward(lambda dy, x, size: np.full(x.shape, np.nan), quiet=True)
    assert not result.ok and "nan or inf" in result.message


def test_finite_differences_catch_what_agrees_with_the_reference(monkeypatch):
    """The second judge has teeth: a wrong reference array is caught by central differences."""
    case = ex._conv_cases()[0]
    spoilt = case._replace(ref={**case.ref, "dw": case.ref["dw"] + 0.5}, variants=[])
    monkeypatch.setattr(ex, "_conv_cases", lambda: [spoilt])
    wrong = lambda dy, x, w: (case.ref["dx"], case.ref["dw"] + 0.5, case.ref["db"])
    result = ex.check_conv_backward(wrong, quiet=True)
    assert not result.ok and "dw disagrees with central differences" in result.message


def test_every_checker_says_where_the_book_defines_it():
    for check, chapter in ((ex.check_backward, 2), (ex.check_two_layer_backward, 3),
                           (ex.check_conv_backward, 4), (ex.check_max_pool_backward, 4)):
        assert f"Defined in Chapter {chapter}." in check.__doc__, check.__name__


def test_the_result_shows_only_ok_in_ipython():
    class Printer:
        def text(self, t):
            self.shown = t
    p = Printer()
    ex.CheckResult(True, "OK: ...")._repr_pretty_(p, False)
    assert p.shown == "CheckResult(ok=True)"


def test_every_hint_of_the_checkers_is_reached_by_a_wrong_attempt():
    """No dead hints: each typical mistake the module knows is triggered by an attempt above."""
    known = {"backward": [h for h, _ in ex._BACKWARD_MISTAKES], "two_layer_rows": [h for h, _ in ex._ROW_MISTAKES],
             "conv": list(ex._CONV_MISTAKES.values()), "max_pool": list(ex._POOL_MISTAKES.values())}
    for which, hints in known.items():
        check, _, mistakes = CHECKERS[which]
        said = [" ".join(check(attempt, quiet=True).message.split()) for attempt, _ in mistakes]
        for hint in hints:
            snippet = " ".join(hint.replace("{name}", "").split())[:40]
            assert any(snippet in text for text in said), (which, snippet)


def test_a_broken_reference_is_refused_rather_than_blamed_on_the_reader(monkeypatch):
    """The cases check mdlib's own answer against central differences when they are built."""
    right = ex.conv2d_backward
    monkeypatch.setattr(ex, "conv2d_backward", lambda dy, x, w: (lambda r: (r[0], -r[1], r[2]))(right(dy, x, w)))
    with pytest.raises(RuntimeError, match="mdlib's own reference fails.*dw disagrees"):
        ex._conv_case("spoilt", "spoilt", 1, 1, 1, 4, 4, 2, 2, 0)
