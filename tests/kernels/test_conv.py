"""Chapter 4 convolution kernels (mdlib/kernels/conv.py): naive == fast, finite differences, SciPy, PyTorch (when installed), bad input."""
import numpy as np
import pytest
import scipy.signal

import mdlib


def random_conv_case(rng):
    while True:
        N, C, F = (int(v) for v in rng.integers(1, 4, size=3))
        H, W = (int(v) for v in rng.integers(2, 9, size=2))
        KH, KW = (int(v) for v in rng.integers(1, 4, size=2))
        stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, 3))
        if KH <= H + 2 * padding and KW <= W + 2 * padding:
            return (rng.normal(size=(N, C, H, W)), rng.normal(size=(F, C, KH, KW)), rng.normal(size=F), stride, padding)


def test_fast_equals_naive_on_random_cases(rng):
    for _ in range(25):
        x, w, b, s, p = random_conv_case(rng)
        y = mdlib.conv2d(x, w, b, s, p)
        OH, OW = (x.shape[2] + 2 * p - w.shape[2]) // s + 1, (x.shape[3] + 2 * p - w.shape[3]) // s + 1
        assert y.shape == (x.shape[0], w.shape[0], OH, OW)
        assert mdlib.relative_error(y, mdlib.conv2d_naive(x, w, b, s, p)) < 1e-9
        dy = rng.normal(size=y.shape)
        for fast, naive in zip(mdlib.conv2d_backward(dy, x, w, s, p), mdlib.conv2d_backward_naive(dy, x, w, s, p)):
            assert fast.shape == naive.shape and mdlib.relative_error(fast, naive) < 1e-9


def test_backward_matches_finite_differences(rng):
    for _ in range(6):
        x, w, b, s, p = random_conv_case(rng)
        y = mdlib.conv2d(x, w, b, s, p)
        dy = rng.normal(size=y.shape)
        dx, dw, db = mdlib.conv2d_backward(dy, x, w, s, p)
        assert mdlib.gradient_check(lambda v: mdlib.conv2d(v, w, b, s, p), x, dx, dout=dy).ok
        assert mdlib.gradient_check(lambda v: mdlib.conv2d(x, v, b, s, p), w, dw, dout=dy).ok
        assert mdlib.gradient_check(lambda v: mdlib.conv2d(x, w, v, s, p), b, db, dout=dy).ok


def test_unreached_input_gets_zero_gradient():
    x, w = np.ones((1, 1, 5, 5)), np.ones((1, 1, 2, 2))
    dx, _, _ = mdlib.conv2d_backward(np.ones((1, 1, 2, 2)), x, w, stride=2)   # windows cover rows/cols 0..3
    assert np.all(dx[0, 0, 4, :] == 0) and np.all(dx[0, 0, :, 4] == 0) and np.all(dx[0, 0, :4, :4] == 1)


def test_worked_example_exactly():
    k = np.array([[0.2, 0.3], [0.5, 0.6]])
    d = np.array([[1.0, 1.0], [2.0, 3.0]])
    expected = np.array([[0.2, 0.5, 0.3], [0.9, 2.3, 1.5], [1.0, 2.7, 1.8]])
    np.testing.assert_allclose(mdlib.convolve2d(d, k, "full"), expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(mdlib.correlate2d(np.pad(d, 1), mdlib.rot180(k)), expected, rtol=0, atol=1e-15)
    dx = mdlib.conv2d_backward(d[None, None], np.zeros((1, 1, 3, 3)), k[None, None])[0][0, 0]
    np.testing.assert_allclose(dx, expected, rtol=0, atol=1e-15)
    assert dx[1, 1] == pytest.approx(1 * 0.6 + 1 * 0.5 + 2 * 0.3 + 3 * 0.2)


@pytest.mark.parametrize("mode", ["valid", "full"])
def test_correlate_and_convolve_match_scipy(rng, mode):
    for _ in range(10):
        a = rng.normal(size=tuple(rng.integers(3, 8, size=2)))
        k = rng.normal(size=tuple(rng.integers(1, 4, size=2)))
        np.testing.assert_allclose(mdlib.correlate2d(a, k, mode), scipy.signal.correlate2d(a, k, mode), atol=1e-12)
        np.testing.assert_allclose(mdlib.convolve2d(a, k, mode), scipy.signal.convolve2d(a, k, mode), atol=1e-12)


def test_rot180():
    k = np.arange(12.0).reshape(2, 2, 3)
    r = mdlib.rot180(k)
    np.testing.assert_array_equal(r[1], [[11, 10, 9], [8, 7, 6]])
    np.testing.assert_array_equal(mdlib.rot180(r), k)
    r[0, 0, 0] = -1
    assert k[1, 1, 2] == 11                      # a new array: the input is untouched
    with pytest.raises(ValueError, match=r"at least 2 dimensions; got shape \(3,\)"):
        mdlib.rot180(np.ones(3))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", ["conv2d", "conv2d_naive"])
def test_conv_dtype_kept_and_inputs_not_modified(rng, dtype, fn):
    x, w, b = (rng.normal(size=s).astype(dtype) for s in [(2, 3, 5, 5), (4, 3, 3, 3), (4,)])
    copies = [v.copy() for v in (x, w, b)]
    y = getattr(mdlib, fn)(x, w, b, 2, 1)
    dy = np.ones_like(y)
    grads = getattr(mdlib, fn.replace("conv2d", "conv2d_backward"))(dy, x, w, 2, 1)
    assert y.dtype == dtype and all(g.dtype == dtype for g in grads)
    for v, c in zip((x, w, b), copies):
        np.testing.assert_array_equal(v, c)


@pytest.mark.parametrize("call, message", [
    (lambda: mdlib.conv2d(np.ones((3, 5, 5)), np.ones((1, 3, 2, 2))), r"x must be 4-D \(N, C, H, W\); got shape \(3, 5, 5\)"),
    (lambda: mdlib.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 2, 2))), r"w must be 4-D .*\(3, 2, 2\)"),
    (lambda: mdlib.conv2d(np.ones((1, 3, 5, 5)), np.ones((2, 4, 2, 2))), r"channels differ: x \(1, 3, 5, 5\) has C = 3, w \(2, 4, 2, 2\) has C = 4"),
    (lambda: mdlib.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 4, 4))), r"kernel \(4, 4\) is larger than the padded input \(3, 3\)"),
    (lambda: mdlib.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 6, 6)), padding=1), r"kernel \(6, 6\) is larger than the padded input \(5, 5\)"),
    (lambda: mdlib.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), stride=0), "stride must be a whole number >= 1; got 0"),
    (lambda: mdlib.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), padding=-1), "padding must be a whole number >= 0; got -1"),
    (lambda: mdlib.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), stride=1.5), "stride .* got 1.5"),
    (lambda: mdlib.conv2d(np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)), b=np.ones(3)), r"b must have shape \(F,\) = \(2,\).*got \(3,\)"),
    (lambda: mdlib.conv2d_backward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))),
     r"dy must have the forward output's shape \(1, 1, 2, 2\); got \(1, 1, 3, 3\)"),
    (lambda: mdlib.conv2d_backward_naive(np.ones((1, 2, 2, 2)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))),
     r"dy must have the forward output's shape \(1, 1, 2, 2\); got \(1, 2, 2, 2\)"),
    (lambda: mdlib.correlate2d(np.ones((2, 2)), np.ones((3, 3))), r"kernel k \(3, 3\) is larger than a \(2, 2\)"),
    (lambda: mdlib.correlate2d(np.ones((4, 4)), np.ones((2, 2)), "same"), "mode must be 'valid' or 'full'; got 'same'"),
    (lambda: mdlib.convolve2d(np.ones((1, 4, 4)), np.ones((2, 2))), r"two 2-D arrays; got a \(1, 4, 4\)"),
])
def test_bad_input_names_the_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- PyTorch, when installed (make torch) ---------------------------------------------------------

def test_conv_and_pool_match_torch(rng):
    torch = pytest.importorskip("torch")
    F_ = torch.nn.functional
    for _ in range(20):
        x, w, b, s, p = random_conv_case(rng)
        tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
        ty = F_.conv2d(tx, tw, tb, stride=s, padding=p)
        dy = rng.normal(size=tuple(ty.shape))
        ty.backward(torch.tensor(dy))
        assert mdlib.relative_error(mdlib.conv2d(x, w, b, s, p), ty.detach().numpy()) < 1e-9
        for ours, theirs in zip(mdlib.conv2d_backward(dy, x, w, s, p), (tx.grad, tw.grad, tb.grad)):
            assert mdlib.relative_error(ours, theirs.numpy()) < 1e-9
    for _ in range(20):
        size, stride = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        x = rng.normal(size=(2, 3) + tuple(int(v) for v in rng.integers(size, 9, size=2)))
        for mode, tf in (("max", F_.max_pool2d), ("avg", F_.avg_pool2d)):
            tx = torch.tensor(x, requires_grad=True)
            ty = tf(tx, size, stride)
            dy = rng.normal(size=tuple(ty.shape))
            ty.backward(torch.tensor(dy))
            assert mdlib.relative_error(getattr(mdlib, f"{mode}_pool2d")(x, size, stride), ty.detach().numpy()) < 1e-9
            dx = getattr(mdlib, f"{mode}_pool2d_backward")(dy, x, size, stride)
            assert mdlib.relative_error(dx, tx.grad.numpy()) < 1e-9



# --- hardening: empty kernels and filters, absurd paddings, empty batches ---------------------------------

CONV_CALLS = {
    "conv2d": lambda x, w, **kw: mdlib.conv2d(x, w, **kw),
    "conv2d_naive": lambda x, w, **kw: mdlib.conv2d_naive(x, w, **kw),
    "conv2d_backward": lambda x, w, **kw: mdlib.conv2d_backward(np.ones((1, 1, 1, 1)), x, w, **kw),
    "conv2d_backward_naive": lambda x, w, **kw: mdlib.conv2d_backward_naive(np.ones((1, 1, 1, 1)), x, w, **kw),
}


@pytest.mark.parametrize("name", CONV_CALLS)
@pytest.mark.parametrize("x_shape, w_shape, message", [
    ((1, 1, 3, 3), (1, 1, 0, 0), r"w \(1, 1, 0, 0\) is empty: a convolution needs F, C, KH, KW >= 1"),
    ((1, 1, 3, 3), (1, 1, 2, 0), r"w \(1, 1, 2, 0\) is empty"),
    ((1, 1, 3, 3), (0, 1, 2, 2), r"w \(0, 1, 2, 2\) is empty"),
    ((1, 0, 3, 3), (1, 0, 2, 2), r"w \(1, 0, 2, 2\) is empty"),
    ((1, 1, 0, 3), (1, 1, 1, 1), r"x \(1, 1, 0, 3\) is empty: a convolution needs C, H, W >= 1 \(only the batch N may be 0\)"),
])
def test_conv_refuses_empty_kernels_filters_and_images(name, x_shape, w_shape, message):
    with pytest.raises(ValueError, match=message):
        CONV_CALLS[name](np.ones(x_shape), np.ones(w_shape), padding=1)


@pytest.mark.parametrize("name", CONV_CALLS)
@pytest.mark.parametrize("padding, shown", [(np.int64(2**62), "4611686018427387904"), (10**30, "1" + "0" * 30),
                                            (2**40, str(2**40))])
def test_conv_refuses_absurd_padding(name, padding, shown):
    with pytest.raises(ValueError, match=rf"padding {shown} is absurd: the padded input \(1, 1, \d+, \d+\) of x \(1, 1, 3, 3\)"):
        CONV_CALLS[name](np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), padding=padding)


@pytest.mark.parametrize("padding", [np.int64(2), np.uint8(2), 2])
def test_numpy_integer_paddings_and_strides_work(rng, padding):
    x, w = rng.normal(size=(1, 2, 4, 5)), rng.normal(size=(3, 2, 3, 3))
    ref = mdlib.conv2d_naive(x, w, None, 2, 2)
    np.testing.assert_allclose(mdlib.conv2d(x, w, None, np.int64(2), padding), ref, rtol=1e-12)


def test_empty_batch_gives_empty_results_in_fast_and_naive(rng):
    x, w, b = np.ones((0, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    for conv in (mdlib.conv2d, mdlib.conv2d_naive):
        assert conv(x, w, b, 2, 1).shape == (0, 3, 3, 3)
    for backward in (mdlib.conv2d_backward, mdlib.conv2d_backward_naive):
        dx, dw, db = backward(np.ones((0, 3, 3, 3)), x, w, 2, 1)
        assert dx.shape == x.shape and np.array_equal(dw, np.zeros_like(w)) and np.array_equal(db, np.zeros(3))
    for pool in (mdlib.max_pool2d, mdlib.avg_pool2d):
        assert pool(np.ones((0, 2, 4, 4))).shape == (0, 2, 2, 2)
    with pytest.raises(ValueError, match=r"x \(1, 0, 4, 4\) has no channels"):
        mdlib.max_pool2d(np.ones((1, 0, 4, 4)))


def test_correlate_rot180_refuse_empty_and_non_numeric():
    with pytest.raises(ValueError, match=r"non-empty arrays; got a \(3, 3\) and k \(0, 2\)"):
        mdlib.correlate2d(np.ones((3, 3)), np.ones((0, 2)), "full")
    with pytest.raises(ValueError, match=r"non-empty arrays; got a \(0, 3\) and k \(1, 1\)"):
        mdlib.convolve2d(np.ones((0, 3)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="k must hold real numbers; got dtype <U1"):
        mdlib.rot180(np.array([["a", "b"], ["c", "d"]]))
    assert mdlib.rot180(np.array([[1, 2], [3, 4]])).dtype == np.float64       # integers become float64


@pytest.mark.parametrize("dtype", [np.int64, bool, np.uint8])
def test_integer_and_bool_inputs_become_float64(rng, dtype):
    x = rng.integers(0, 2, size=(1, 2, 4, 4)).astype(dtype)
    w = rng.integers(-1, 2, size=(2, 2, 2, 2)).astype(dtype)
    y = mdlib.conv2d(x, w)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, mdlib.conv2d(x.astype(float), w.astype(float)))
    assert mdlib.max_pool2d(x).dtype == np.float64 and mdlib.avg_pool2d(x).dtype == np.float64


# --- chunking the batch: bounded memory, the same numbers --------------------------------------------

@pytest.mark.parametrize("budget", [1, 2000, 10**9])
def test_chunked_equals_unchunked_exactly_and_matches_naive(rng, monkeypatch, budget):
    """A tiny budget (one sample per chunk), a middling one and a huge one (one chunk) give identical arrays."""
    import mdlib.kernels.conv as conv
    # one map (matrix-vector products: conv.sample_matrices) and a 1 x 1 grid among them
    cases = [random_conv_case(rng) for _ in range(8)] + [
        (rng.normal(size=(7, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4), 2, 1),
        (rng.normal(size=(5, 3, 5, 3)), rng.normal(size=(1, 3, 3, 2)), rng.normal(size=1), 3, 0),
        (rng.normal(size=(6, 4, 9, 8)), rng.normal(size=(1, 4, 3, 3)), rng.normal(size=1), 1, 1),
        (rng.normal(size=(5, 6, 2, 2)), rng.normal(size=(3, 6, 2, 2)), rng.normal(size=3), 1, 0)]
    results = []
    for b_ in (budget, 10**12):
        monkeypatch.setattr(conv, "CHUNK_BYTES", b_)
        out = []
        for x, w, b, s, p in cases:
            y = mdlib.conv2d(x, w, b, s, p)
            out.append((y, *mdlib.conv2d_backward(np.ones_like(y) + y, x, w, s, p)))
        results.append(out)
    for (x, w, b, s, p), chunked, whole in zip(cases, *results):
        for c, u in zip(chunked, whole):
            np.testing.assert_array_equal(c, u)
        assert mdlib.relative_error(chunked[0], mdlib.conv2d_naive(x, w, b, s, p)) < 1e-9
        naive = mdlib.conv2d_backward_naive(np.ones_like(chunked[0]) + chunked[0], x, w, s, p)
        for c, n in zip(chunked[1:], naive):
            assert mdlib.relative_error(c, n) < 1e-9


def test_batch_chunks_cover_the_batch_within_the_budget(monkeypatch):
    import mdlib.kernels.conv as conv
    monkeypatch.setattr(conv, "CHUNK_BYTES", 1000)
    for N, per_sample in [(0, 10), (1, 10**6), (7, 300), (10, 100), (10, 1000), (5, 0), (6, np.uint8(200))]:
        chunks = conv.batch_chunks(N, per_sample)
        assert chunks == conv.batch_chunks(N, 1, per_sample, 1)
        assert [i for c in chunks for i in range(N)[c]] == list(range(N))
        assert all(len(range(N)[c]) >= 1 for c in chunks)
        assert all(len(range(N)[c]) * int(per_sample) <= 1000 or len(range(N)[c]) == 1 for c in chunks)


def test_conv_float32_chunked_matches_unchunked(rng, monkeypatch):
    import mdlib.kernels.conv as conv
    x, w, b = (rng.normal(size=s).astype(np.float32) for s in [(9, 2, 7, 7), (3, 2, 3, 3), (3,)])
    dy = rng.normal(size=(9, 3, 7, 7)).astype(np.float32)
    monkeypatch.setattr(conv, "CHUNK_BYTES", 10**12)
    whole = (mdlib.conv2d(x, w, b, 1, 1), *mdlib.conv2d_backward(dy, x, w, 1, 1))
    monkeypatch.setattr(conv, "CHUNK_BYTES", 3000)
    chunked = (mdlib.conv2d(x, w, b, 1, 1), *mdlib.conv2d_backward(dy, x, w, 1, 1))
    for c, u in zip(chunked, whole):
        assert c.dtype == np.float32
        np.testing.assert_array_equal(c, u)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_products_one_per_chunk_equal_one_per_sample_exactly(rng, monkeypatch, dtype):
    """The products run one per chunk (the samples side by side, grid_cols): the same arrays whether
    a chunk holds one sample or the whole batch, and the naive loops' numbers."""
    import mdlib.kernels.conv as conv
    x, w, b = (rng.normal(size=s).astype(dtype) for s in [(3, 16, 20, 20), (64, 16, 3, 3), (64,)])
    dy = rng.normal(size=(3, 64, 20, 20)).astype(dtype)
    results = []
    # 1, 2 and 3 samples a chunk (a sample's grid: 20 rows of 20 + 2 positions)
    for budget in (1, 16 * 9 * 20 * 22 * np.dtype(dtype).itemsize * 2, 10**12):
        monkeypatch.setattr(conv, "CHUNK_BYTES", budget)
        results.append((mdlib.conv2d(x, w, b, 1, 1), *mdlib.conv2d_backward(dy, x, w, 1, 1)))
    for other in results[1:]:
        for c, u in zip(results[0], other):
            assert c.dtype == dtype
            np.testing.assert_array_equal(c, u)
    if dtype == np.float64:
        assert mdlib.relative_error(results[0][0], mdlib.conv2d_naive(x, w, b, 1, 1)) < 1e-9
        for c, n in zip(results[0][1:], mdlib.conv2d_backward_naive(dy, x, w, 1, 1)):
            assert mdlib.relative_error(c, n) < 1e-9


@pytest.mark.parametrize("s, p", [(1, 0), (1, 1), (1, 2), (2, 1), (2, 0), (3, 2)])
def test_grid_cols_on_the_windows_is_im2col_and_grid_col2im_is_col2im(rng, s, p):
    """conv2d's grid (grid_cols: HP x WG positions a sample, (H + 2p) x (W + 2p) with stride 1,
    rows in the order (u, v, c), the positions i >= OH or j >= OW not windows) holds exactly
    im2col's columns on the windows, and grid_col2im puts them back as col2im does."""
    import mdlib.kernels.conv as conv
    x = rng.normal(size=(3, 2, 7, 6))
    OH, OW = conv.output_size(7, 6, 3, 2, s, p)
    HP, WG = conv.grid_width(7, s, p), conv.grid_width(6, s, p)
    assert (HP, WG) == (-(-(7 + 2 * p) // s), -(-(6 + 2 * p) // s)) and HP >= OH and WG >= OW
    cols = conv.grid_cols(x, 3, 2, s, p)
    assert cols.shape == (3 * 2 * 2, 3, HP * WG)
    # ((u, v, c), n, (i, j)) -> (n, (c, u, v), (i, j)) on the windows
    on_windows = cols.reshape(3, 2, 2, 3, HP, WG)[..., :OH, :OW].transpose(3, 2, 0, 1, 4, 5)
    np.testing.assert_array_equal(on_windows.reshape(3, 12, OH * OW), conv.im2col(x, 3, 2, s, p))
    d_windows = rng.normal(size=(3, 12, OH * OW))                     # rows (c, u, v)
    d_cols = np.zeros((3, 2, 2, 3, HP, WG))                           # rows (u, v, c), n
    d_cols[..., :OH, :OW] = d_windows.reshape(3, 2, 3, 2, OH, OW).transpose(2, 3, 1, 0, 4, 5)
    dx = conv.grid_col2im(d_cols.reshape(12, 3, HP * WG), x.shape, 3, 2, s, p)
    expected = conv.col2im(d_windows, x.shape, 3, 2, s, p)
    assert dx.shape == x.shape and mdlib.relative_error(dx, expected) < 1e-12


@pytest.mark.parametrize("s, p", [(1, 1), (2, 1), (3, 0)])
def test_grid_cols_bytes_is_one_samples_share_of_grid_cols(rng, s, p):
    import mdlib.kernels.conv as conv
    for dtype in (np.float32, np.float64):
        x = rng.normal(size=(4, 3, 9, 8)).astype(dtype)
        per_sample = conv.grid_cols_bytes(x.shape[1:], 3, 2, s, p, x.itemsize)
        assert conv.grid_cols(x, 3, 2, s, p).nbytes == 4 * per_sample
        assert conv.grid_cols(x[:1], 3, 2, s, p).nbytes == per_sample
    # one sample's im2col matrix and the grid's extra positions: 2*3*2 rows of HP*WG
    assert conv.grid_cols_bytes((2, 5, 6), 3, 2, 1, 1, 8) == 12 * 7 * 8 * 8


def test_phase_zeros_hold_each_phase_of_x_pad_and_a_zero_tail(rng):
    import mdlib.kernels.conv as conv
    x = rng.normal(size=(2, 3, 7, 6))
    s, p, KH, KW = 2, 1, 3, 3
    phases, grid = conv.phase_zeros(x.shape, KH, KW, s, p, x.dtype)
    HP, WG = conv.grid_width(7, s, p), conv.grid_width(6, s, p)
    tail = (KH - 1) // s * WG + (KW - 1) // s
    assert phases.shape == (4, 3 * 2 * HP * WG + tail) and grid.shape == (2, 2, 3, 2, HP, WG)
    assert not phases.any() and np.shares_memory(phases, grid)
    grid = grid.transpose(3, 0, 1, 2, 4, 5)                  # (n, a, b, c, i, j), a view
    for a, b, x_part, p_part in conv.phase_parts(7, 6, KH, KW, s, p):
        grid[:, a, b][(slice(None), slice(None), *p_part)] = x[(slice(None), slice(None), *x_part)]
    x_pad = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)])
    for a in range(2):
        for b in range(2):
            phase = x_pad[:, :, a::s, b::s]                  # (2, 3, <= HP, <= WG)
            np.testing.assert_array_equal(grid[:, a, b, :, :phase.shape[2], :phase.shape[3]], phase)
            assert not grid[:, a, b, :, phase.shape[2]:].any() and not grid[:, a, b, ..., phase.shape[3]:].any()
    assert not phases[..., 3 * 2 * HP * WG:].any()           # the tail stays zero


def test_off_windows_are_exactly_the_positions_that_are_not_windows():
    import mdlib.kernels.conv as conv
    a = np.ones((2, 5, 4 * 6))
    for part in conv.off_windows(a, 3, 4, 4, 6):
        part[...] = 0
    on = a.reshape(2, 5, 4, 6)
    assert on[..., :3, :4].all() and not on[..., 3:, :].any() and not on[..., :, 4:].any()


def test_batch_chunks_are_the_fewest_and_balanced(monkeypatch):
    import mdlib.kernels.conv as conv
    monkeypatch.setattr(conv, "CHUNK_BYTES", 1000)
    sizes = [len(range(32)[c]) for c in conv.batch_chunks(32, 46)]      # 21 samples fit
    assert sizes == [16, 16]
    sizes = [len(range(33)[c]) for c in conv.batch_chunks(33, 100)]     # 10 fit
    assert sizes == [9, 8, 8, 8]
    assert [len(range(5)[c]) for c in conv.batch_chunks(5, 10**6)] == [1] * 5
    assert conv.batch_chunks(0, 10) == []


def test_an_inf_reaches_only_the_gradients_of_the_windows_that_hold_it():
    """With stride 1 the grid's extra columns read entries of x_pad (a row wraps to the next) and
    multiply w by zeros: an inf in x or w must not leak through them (inf * 0 is NaN). An inf in the
    first column of x is never read by a window at v = 2, and an inf at w[0, 0, 0, 0] never reaches
    the last row or column of dx: those entries stay finite, as the naive loops give them."""
    rng = np.random.default_rng(5)
    x, w, dy = rng.normal(size=(2, 1, 5, 6)), rng.normal(size=(2, 1, 3, 3)), rng.normal(size=(2, 2, 5, 6))
    x_inf = x.copy()
    x_inf[:, 0, :, 0] = np.inf
    with np.errstate(invalid="ignore"):                              # inf - inf in the sums
        _, dw, _ = mdlib.conv2d_backward(dy, x_inf, w, 1, 1)
        _, dw_naive, _ = mdlib.conv2d_backward_naive(dy, x_inf, w, 1, 1)
    assert np.all(np.isfinite(dw[:, :, :, 2])) and not np.all(np.isfinite(dw))
    np.testing.assert_array_equal(np.isfinite(dw), np.isfinite(dw_naive))
    assert mdlib.relative_error(dw[:, :, :, 2], dw_naive[:, :, :, 2]) < 1e-9
    w_inf = w.copy()
    w_inf[0, 0, 0, 0] = np.inf
    with np.errstate(invalid="ignore"):
        dx, _, _ = mdlib.conv2d_backward(dy, x, w_inf, 1, 1)
        dx_naive, _, _ = mdlib.conv2d_backward_naive(dy, x, w_inf, 1, 1)
    np.testing.assert_array_equal(np.isfinite(dx), np.isfinite(dx_naive))
    assert np.all(np.isfinite(dx[:, :, -1, :])) and np.all(np.isfinite(dx[:, :, :, -1]))
    assert mdlib.relative_error(dx[:, :, -1, :], dx_naive[:, :, -1, :]) < 1e-9
