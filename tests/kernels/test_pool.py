"""Chapter 4 pooling kernels (mdlib/kernels/pool.py): explicit loops, finite differences, PyTorch (when installed), bad input."""
import numpy as np
import pytest

import mdlib

def pool_backward_loops(dy, x, size, stride, mode):
    dx = np.zeros_like(x)
    N, C, OH, OW = dy.shape
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    if mode == "max":
                        u, v = np.unravel_index(np.argmax(win), win.shape)   # first maximum, row-major
                        dx[n, c, i * stride + u, j * stride + v] += dy[n, c, i, j]
                    else:
                        dx[n, c, i * stride:i * stride + size, j * stride:j * stride + size] += dy[n, c, i, j] / size**2
    return dx


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_matches_loops_and_finite_differences(rng, mode):
    forward = getattr(mdlib, f"{mode}_pool2d")
    backward = getattr(mdlib, f"{mode}_pool2d_backward")
    for _ in range(15):
        size, stride = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        x = rng.normal(size=(2, 2) + tuple(int(v) for v in rng.integers(size, 9, size=2)))
        y = forward(x, size, stride)
        assert y.shape[2:] == ((x.shape[2] - size) // stride + 1, (x.shape[3] - size) // stride + 1)
        dy = rng.normal(size=y.shape)
        dx = backward(dy, x, size, stride)
        np.testing.assert_allclose(dx, pool_backward_loops(dy, x, size, stride, mode), atol=1e-12)
        assert mdlib.gradient_check(lambda v: forward(v, size, stride), x, dx, dout=dy).ok


def test_max_pool_ties_go_to_the_first_maximum_and_overlaps_sum():
    x = np.array([[[[1.0, 1.0, 0.0], [1.0, 0.0, 2.0], [0.0, 0.0, 2.0]]]])
    dx = mdlib.max_pool2d_backward(np.ones((1, 1, 2, 2)), x, size=2, stride=1)
    # windows: top-left tie -> (0,0); top-right {1,0,0,2} -> (1,2); bottom-left tie of 1 -> (1,0); bottom-right 2s -> (1,2)
    np.testing.assert_array_equal(dx[0, 0], [[1, 0, 0], [1, 0, 2], [0, 0, 0]])
    assert mdlib.max_pool2d(x, 2, 1)[0, 0].tolist() == [[1, 2], [1, 2]]


def test_avg_pool_backward_is_kronecker_up_sampling(rng):
    x, dy = rng.normal(size=(2, 3, 6, 4)), rng.normal(size=(2, 3, 3, 2))
    np.testing.assert_allclose(mdlib.avg_pool2d_backward(dy, x), np.kron(dy, np.ones((1, 1, 2, 2)) / 4))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pool_dtype_kept_and_input_not_modified(rng, dtype):
    x = rng.normal(size=(1, 2, 4, 4)).astype(dtype)
    x0 = x.copy()
    for mode in ("max", "avg"):
        y = getattr(mdlib, f"{mode}_pool2d")(x)
        dx = getattr(mdlib, f"{mode}_pool2d_backward")(np.ones_like(y), x)
        assert y.dtype == dtype and dx.dtype == dtype
    np.testing.assert_array_equal(x, x0)


@pytest.mark.parametrize("call, message", [
    (lambda: mdlib.max_pool2d(np.ones((4, 4))), r"x must be 4-D \(N, C, H, W\); got shape \(4, 4\)"),
    (lambda: mdlib.avg_pool2d(np.ones((1, 1, 3, 3)), size=4), r"window 4x4 is larger than the input \(3, 3\)"),
    (lambda: mdlib.max_pool2d(np.ones((1, 1, 3, 3)), size=0), "size must be a whole number >= 1; got 0"),
    (lambda: mdlib.avg_pool2d(np.ones((1, 1, 3, 3)), stride=0), "stride must be a whole number >= 1; got 0"),
    (lambda: mdlib.max_pool2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 6, 6))),
     r"dy must have the forward output's shape \(1, 1, 3, 3\); got \(1, 1, 2, 2\)"),
    (lambda: mdlib.avg_pool2d_backward(np.ones((1, 2, 3, 3)), np.ones((1, 1, 6, 6))), r"\(1, 1, 3, 3\); got \(1, 2, 3, 3\)"),
])
def test_pool_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_max_pool_ties_match_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[[[1.0, 1.0, 0.0, 3.0], [1.0, 0.0, 3.0, 3.0], [2.0, 2.0, 0.0, 0.0], [2.0, 2.0, 0.0, 0.0]]]])
    for stride in (1, 2):
        tx = torch.tensor(x, requires_grad=True)
        ty = torch.nn.functional.max_pool2d(tx, 2, stride)
        ty.backward(torch.ones_like(ty))
        np.testing.assert_array_equal(mdlib.max_pool2d_backward(np.ones(tuple(ty.shape)), x, 2, stride), tx.grad.numpy())


# --- the strided-slice implementations against the definitions: ties, overlaps, NaN -----------------------------

def pool_forward_loops(x, size, stride, mode):
    N, C, H, W = x.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    y = np.zeros((N, C, OH, OW), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    y[n, c, i, j] = win.max() if mode == "max" else win.mean()
    return y


@pytest.mark.parametrize("size, stride", [(2, 1), (3, 2), (3, 1), (2, 2), (3, 3), (2, 3), (1, 1)])
def test_max_pool_with_many_ties_matches_loops_exactly(rng, size, stride):
    x = rng.integers(0, 3, size=(2, 3, 8, 7)).astype(float)       # few values: windows full of ties
    dy = rng.integers(1, 5, size=(2, 3, (8 - size) // stride + 1, (7 - size) // stride + 1)).astype(float)
    np.testing.assert_array_equal(mdlib.max_pool2d(x, size, stride), pool_forward_loops(x, size, stride, "max"))
    np.testing.assert_array_equal(mdlib.max_pool2d_backward(dy, x, size, stride),
                                  pool_backward_loops(dy, x, size, stride, "max"))


def test_max_pool_nan_and_inf_go_where_argmax_says():
    x = np.array([[[[1.0, np.nan, np.nan], [np.inf, 2.0, -np.inf], [-np.inf, -np.inf, np.inf]]]])
    y = mdlib.max_pool2d(x, 2, 1)
    dy = np.array([[[[1.0, 2.0], [4.0, 8.0]]]])
    np.testing.assert_array_equal(y, pool_forward_loops(x, 2, 1, "max"))         # NaN where a window holds one
    np.testing.assert_array_equal(mdlib.max_pool2d_backward(dy, x, 2, 1), pool_backward_loops(dy, x, 2, 1, "max"))
    allneg = np.full((1, 1, 2, 2), -np.inf)
    np.testing.assert_array_equal(mdlib.max_pool2d_backward(np.ones((1, 1, 1, 1)), allneg),
                                  [[[[1.0, 0.0], [0.0, 0.0]]]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size, stride", [(3, 2), (2, 1), (2, 2), (3, 3)])
def test_avg_pool_overlaps_sum_and_match_loops(rng, dtype, size, stride):
    x = rng.normal(size=(2, 2, 9, 8)).astype(dtype)
    dy = rng.normal(size=(2, 2, (9 - size) // stride + 1, (8 - size) // stride + 1)).astype(dtype)
    tol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(mdlib.avg_pool2d(x, size, stride), pool_forward_loops(x, size, stride, "avg"), rtol=tol, atol=tol)
    np.testing.assert_allclose(mdlib.avg_pool2d_backward(dy, x, size, stride),
                               pool_backward_loops(dy, x, size, stride, "avg"), rtol=tol, atol=tol)
    ones = mdlib.avg_pool2d_backward(np.full(dy.shape, float(size * size), dtype), x, size, stride)
    counts = pool_backward_loops(np.ones(dy.shape), np.zeros(x.shape), size, stride, "avg") * size * size
    np.testing.assert_array_equal(ones, counts)                       # each cell: how many windows hold it
