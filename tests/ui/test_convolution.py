"""Chapter 4: the convolution and pooling views against loops and mdlib's layers; steppers; widgets."""
import re

import numpy as np
import pytest

import mdlib
from mdlib.ui.svg import number
from mdlib.ui.convolution import (CONV_EXAMPLES, FULL_CONV_EXAMPLES, ONE_BY_ONE_EXAMPLE, POOL_EXAMPLE,
                                  POOL_SIZE, WORKED_EXAMPLE, ConvWidget, PoolWidget, conv_backward_cell,
                                  conv_cells, conv_forward_cell, conv_html, conv_layer_shapes, conv_stepper, conv_view,
                                  dilate, full_conv_cell, full_conv_html, full_conv_stepper, full_conv_view,
                                  pixel_dense_html, pixel_dense_stepper, pixel_dense_view, pool_route,
                                  pool_stepper, pool_view)


def output_shape(x_shape, k_shape, stride, padding):
    """The output's shape as mdlib.conv2d computes it."""
    return mdlib.conv2d(np.zeros((1, 1, *x_shape)), np.zeros((1, 1, *k_shape)), None, stride, padding).shape[2:]


def random_conv(rng):
    x = rng.normal(size=tuple(rng.integers(3, 7, size=2)))
    k = rng.normal(size=tuple(rng.integers(1, 4, size=2)))
    return x, k, int(rng.integers(1, 3)), int(rng.integers(0, 2))


# --- the pure views --------------------------------------------------------------------------------

def test_forward_cell_is_the_windowed_sum(rng):
    for _ in range(20):
        x, k, s, p = random_conv(rng)
        OH, OW = output_shape(x.shape, k.shape, s, p)
        xp = np.pad(x, p)
        for i in range(OH):
            for j in range(OW):
                view = conv_forward_cell(x, k, i, j, s, p)
                window = xp[i * s:i * s + k.shape[0], j * s:j * s + k.shape[1]]
                assert view["value"] == pytest.approx(float((window * k).sum()))
                assert sum(xv * kv for _, _, xv, kv in view["terms"]) == pytest.approx(view["value"])
                assert [(xv, kv) for _, _, xv, kv in view["terms"]] == list(zip(window.ravel(), k.ravel()))
        np.testing.assert_allclose(view["y"], mdlib.conv2d(x[None, None], k[None, None], None, s, p)[0, 0])


def test_forward_cell_outside_the_output_is_refused(rng):
    x, k = rng.normal(size=(5, 4)), rng.normal(size=(2, 3))
    OH, OW = output_shape(x.shape, k.shape, 2, 1)
    with pytest.raises(ValueError, match=rf"output cell \({OH}, 0\) is outside the output of shape \({OH}, {OW}\)"):
        conv_forward_cell(x, k, OH, 0, stride=2, padding=1)


def test_backward_cell_sums_what_reaches_it(rng):
    for _ in range(20):
        x, k, s, p = random_conv(rng)
        dy = rng.normal(size=output_shape(x.shape, k.shape, s, p))
        dx = np.zeros_like(x)                        # scatter every dy[i, j] k[u, v] back by a loop
        for i, j in np.ndindex(*dy.shape):
            for u, v in np.ndindex(*k.shape):
                r, c = i * s + u - p, j * s + v - p
                if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:
                    dx[r, c] += dy[i, j] * k[u, v]
        for r, c in np.ndindex(*x.shape):
            view = conv_backward_cell(x.shape, k, dy, r, c, s, p)
            assert view["value"] == pytest.approx(dx[r, c]) == pytest.approx(sum(d * kv for *_, d, kv in view["terms"]))
            assert all(i * s + u - p == r and j * s + v - p == c for i, j, u, v, _, _ in view["terms"])
        np.testing.assert_allclose(view["dx"], dx, atol=1e-12)
        np.testing.assert_allclose(view["dx"], mdlib.conv2d_backward(dy[None, None], x[None, None], k[None, None],
                                                                     s, p)[0][0, 0], atol=1e-12)


def test_worked_example_centre_cell_collects_every_delta():
    e = WORKED_EXAMPLE
    view = conv_backward_cell(e["x"].shape, e["k"], e["dy"], 1, 1)
    # the centre of a 3x3 input sits under every position of the 2x2 kernel: dy[i, j] meets k[1 - i, 1 - j]
    assert [(d, kv) for *_, d, kv in view["terms"]] == [(e["dy"][i, j], e["k"][1 - i, 1 - j])
                                                       for i in range(2) for j in range(2)]


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool_routes_add_up_to_the_layer_s_backward(rng, mode):
    backward = {"max": mdlib.max_pool2d_backward, "avg": mdlib.avg_pool2d_backward}[mode]
    x = rng.normal(size=(4, 5))
    for stride in (1, 2):
        y_shape = mdlib.max_pool2d(x[None, None], 2, stride).shape[2:]
        dy = rng.normal(size=y_shape)
        total = np.zeros_like(x)
        for i, j in np.ndindex(*y_shape):
            view = pool_route(x, dy, i, j, 2, stride, mode)
            assert view["window"] == [(i * stride + u, j * stride + v) for u in range(2) for v in range(2)]
            if mode == "max":                         # all of dy[i, j] on the window's largest entry
                (r, c, amount), = view["routes"]
                assert x[r, c] == max(x[rc] for rc in view["window"]) and amount == dy[i, j]
            for r, c, amount in view["routes"]:
                total[r, c] += amount
        expected = backward(dy[None, None], x[None, None], 2, stride)[0, 0]
        np.testing.assert_allclose(total, expected)
        np.testing.assert_allclose(view["dx"], expected)


def test_pool_route_refuses_a_dy_of_the_wrong_shape(rng):
    with pytest.raises(ValueError, match="pooled output's shape"):
        pool_route(rng.normal(size=(4, 4)), np.ones((3, 3)), 0, 0, 2, 2)


def library_dx(x_shape, k, dy, s, p):
    return mdlib.conv2d_backward(dy[None, None], np.zeros((1, 1, *x_shape)), k[None, None], s, p)[0][0, 0]


def test_full_conv_cell_is_mdlib_s_input_gradient_and_the_unrotated_kernel_is_not(rng):
    for _ in range(20):                       # rectangular kernels: R - 1 and S - 1 differ
        x, k, s, p = random_conv(rng)
        dy = rng.normal(size=output_shape(x.shape, k.shape, s, p))
        dx = library_dx(x.shape, k, dy, s, p)
        for r, c in np.ndindex(*x.shape):
            view = full_conv_cell(x.shape, k, dy, r, c, s, p)
            assert view["value"] == pytest.approx(dx[r, c], rel=1e-12, abs=1e-12)
            if view["reached"]:               # the sum the frame shows, term by term
                assert sum(d * kv for *_, d, kv in view["terms"]) == pytest.approx(dx[r, c], rel=1e-12, abs=1e-12)
                window = view["padded"][view["top"]:view["top"] + k.shape[0], view["left"]:view["left"] + k.shape[1]]
                assert [d for *_, d, _ in view["terms"]] == list(window.ravel())
                assert [kv for *_, kv in view["terms"]] == list(k[::-1, ::-1].ravel())
                R, S = k.shape                # offset (u, v) holds delta[(r+u-R+1)/s, ...]: K_(R-1-u)(S-1-v)
                for (u, v, d, kv), (ij, kl) in zip(view["terms"], view["labels"]):
                    assert kl == (R - 1 - u, S - 1 - v) and k[kl] == kv
                    a, b = r + p + u - (R - 1), c + p + v - (S - 1)     # the place in the dilated delta
                    if ij is None:
                        assert d == 0 and not (a % s == 0 and b % s == 0 and 0 <= a // s < dy.shape[0]
                                               and 0 <= b // s < dy.shape[1] and a >= 0 and b >= 0)
                    else:
                        assert (a, b) == (ij[0] * s, ij[1] * s) and dy[ij] == d
            else:                             # a row or column no window reaches
                assert dx[r, c] == 0 and view["value"] == 0
        assert mdlib.relative_error(view["dx"], dx) < 1e-12
        if k.size > 1 and not np.array_equal(k, k[::-1, ::-1]):
            assert mdlib.relative_error(view["dx_unrotated"], dx) > 1e-3


def test_full_conv_padding_and_dilation_are_laid_out_as_the_rule_says(rng):
    k, dy = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    view = full_conv_cell((7, 5), k, dy, 0, 0, stride=3, padding=1)   # OH = (7+2-2)//3+1 = 3
    np.testing.assert_array_equal(view["dilated"][::3, ::3], dy)
    assert view["dilated"].shape == (7, 4) and np.count_nonzero(view["dilated"]) == dy.size
    assert view["padded"].shape == (7 + 2 * 1, 4 + 2 * 2)             # R - 1 = 1 rows, S - 1 = 2 columns
    np.testing.assert_array_equal(view["padded"][view["is_delta"]], dy.ravel())
    np.testing.assert_array_equal(dilate(dy, 1), dy)


@pytest.mark.parametrize("example", list(FULL_CONV_EXAMPLES))
def test_full_conv_frames_show_mdlib_s_dx(example, text):
    e = FULL_CONV_EXAMPLES[example]
    dx = library_dx(e["x_shape"], e["k"], e["dy"], e["stride"], e["padding"])
    stepper = full_conv_stepper(example, list(np.ndindex(*dx.shape)))
    assert len(stepper.frames) == dx.size
    for n, (r, c) in enumerate(np.ndindex(*dx.shape)):
        view = full_conv_view(example, n)
        assert stepper.frames[n] == full_conv_html(view) and f"∂J/∂x[{r}, {c}]" in stepper.captions[n]
        shown = text(stepper.frames[n])
        assert f"∂J/∂x[{r}, {c}] = " in shown and shown.count(f"= {number(dx[r, c], '.4g')}") >= 1
        assert all(f">{number(v)}<" in stepper.frames[n] for v in dx.ravel())   # the dx grid, as drawn
        labelled = [f"δ{i}{j}K{u}{v}" for (i, j), (u, v) in
                    ((ij, kl) for ij, kl in view["labels"] if ij is not None)]
        assert " + ".join(labelled) in shown               # each delta with the entry diagonally opposite
        if view["unrotated"] != pytest.approx(dx[r, c]):
            assert f"and gives {number(view['unrotated'], '.4g')}: the common mistake" in shown
    # the unrotated kernel (the common mistake) gives another dx
    assert mdlib.relative_error(full_conv_view(example, 0)["dx_unrotated"], dx) > 0.1
    if e["stride"] > 1:
        assert f"{e['stride'] - 1} zero between entries" in text(stepper.frames[0])
    chosen = full_conv_stepper(example, [(0, 0), (1, 1)])
    assert chosen.frames == [stepper.frames[0], stepper.frames[dx.shape[1] + 1]]
    # the example's own frames: in every one the unrotated kernel gives another number
    cells = e.get("cells", list(np.ndindex(*dx.shape)))
    own = full_conv_stepper(example)
    assert own.frames == [stepper.frames[r * dx.shape[1] + c] for r, c in cells]
    for r, c in cells:
        view = full_conv_view(example, r * dx.shape[1] + c)
        assert abs(view["unrotated"] - dx[r, c]) > 0.1, (r, c)
        assert "happens to give the same number" not in text(stepper.frames[r * dx.shape[1] + c])


def test_full_conv_stride_2_kernel_has_no_entry_equal_to_its_rotated_partner():
    k = FULL_CONV_EXAMPLES["stride 2: 5x5 input, 3x3 kernel"]["k"]
    off_centre = [(u, v) for u, v in np.ndindex(*k.shape) if (u, v) != (1, 1)]
    assert all(k[u, v] != k[2 - u, 2 - v] for u, v in off_centre)


def test_full_conv_cell_refuses_a_dy_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"dy must have the layer's output shape \(2, 2\)"):
        full_conv_cell((3, 3), np.ones((2, 2)), np.ones((3, 3)), 0, 0)


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 0), (2, 1), (3, 2)])
def test_conv_layer_shapes_are_the_shapes_of_mdlib_s_arrays(rng, stride, padding):
    N, D, H, W, F, R, S = 2, 3, 5, 6, 4, 3, 2
    x, w, b = rng.normal(size=(N, D, H, W)), rng.normal(size=(F, D, R, S)), rng.normal(size=F)
    y = mdlib.conv2d(x, w, b, stride, padding)
    OH, OW = y.shape[2:]
    cols = mdlib.kernels.im2col(x, R, S, stride, padding).transpose(1, 0, 2).reshape(D * R * S, -1)
    W_mat = w.reshape(F, -1)
    Y = mdlib.dense_forward(W_mat, b[:, None], cols)
    dy = rng.normal(size=y.shape)
    dY = dy.transpose(1, 0, 2, 3).reshape(F, -1)
    dW_mat, db_col, dcols = mdlib.dense_backward(dY, W_mat, cols)
    dx = mdlib.kernels.col2im(dcols.reshape(D * R * S, N, OH * OW).transpose(1, 0, 2), x.shape, R, S, stride, padding)
    dx_lib, dw_lib, db_lib = mdlib.conv2d_backward(dy, x, w, stride, padding)
    assert mdlib.relative_error(Y.reshape(F, N, OH, OW).transpose(1, 0, 2, 3), y) < 1e-12
    assert mdlib.relative_error(dW_mat.reshape(w.shape), dw_lib) < 1e-12
    assert mdlib.relative_error(db_col[:, 0], db_lib) < 1e-12
    assert mdlib.relative_error(dx, dx_lib) < 1e-12
    arrays = {"x": x, "w": w, "b": b, "cols": cols, "W_mat": W_mat, "b_col": b[:, None], "Y": Y, "y": y,
              "dY": dY, "dW_mat": dW_mat, "db_col": db_col, "dcols": dcols, "dx": dx_lib}
    rows = conv_layer_shapes(N, D, H, W, F, R, S, stride, padding)
    assert [r["name"] for r in rows] == list(arrays)
    for r in rows:
        assert arrays[r["name"]].shape == r["shape"], r["name"]
    # the samples' windows side by side need the transpose: without it the columns mix samples
    mixed = mdlib.kernels.im2col(x, R, S, stride, padding).reshape(D * R * S, -1)
    assert mixed.shape == cols.shape and mdlib.relative_error(W_mat @ mixed + b[:, None], Y) > 0.1


def test_pixel_dense_view_is_conv2d_at_that_pixel(rng):
    for D, H, W, F in [(3, 2, 3, 2), (2, 4, 1, 5)]:
        x, w_mat, b = rng.normal(size=(D, H, W)), rng.normal(size=(F, D)), rng.normal(size=F)
        y = mdlib.conv2d(x[None], w_mat[:, :, None, None], b)[0]
        for i, j in np.ndindex(H, W):
            view = pixel_dense_view(x, w_mat, b, i, j)
            np.testing.assert_array_equal(view["pixel"], x[:, i, j])
            np.testing.assert_allclose(view["out"], y[:, i, j], rtol=1e-12, atol=0)
            loop = [sum(w_mat[f, c] * x[c, i, j] for c in range(D)) + b[f] for f in range(F)]
            np.testing.assert_allclose(view["out"], loop, rtol=1e-12, atol=0)
            assert view["terms"] == [[(c, w_mat[f, c], x[c, i, j]) for c in range(D)] for f in range(F)]
            np.testing.assert_array_equal(view["w_mat"], w_mat)   # the same matrix at every pixel


def test_pixel_dense_stepper_shows_each_pixel_s_vector_and_outputs(text):
    e = ONE_BY_ONE_EXAMPLE
    D, H, W = e["x"].shape
    y = mdlib.conv2d(e["x"][None], e["w_mat"][:, :, None, None], e["b"])[0]
    stepper = pixel_dense_stepper()
    assert len(stepper.frames) == H * W
    for n, (i, j) in enumerate(np.ndindex(H, W)):
        view = pixel_dense_view(e["x"], e["w_mat"], e["b"], i, j)
        frame = stepper.frames[n]
        assert frame == pixel_dense_html(view) and f"Pixel ({i}, {j})" in stepper.captions[n]
        shown = text(frame)
        assert f"Pixel ({i}, {j})" in shown and f"D = {D} channel values x[:, {i}, {j}]" in shown
        for f in range(y.shape[0]):
            assert f"y[{f}, {i}, {j}] = " in shown and f"= {number(y[f, i, j], '.4g')}" in shown
        # the drawn pixel vector, W_mat and output column, as the grids print them
        pixel_grid = frame.split(f"the vector of pixel ({i}, {j})")[1].split("</svg>")[0]
        out_grid = frame.split(f"the outputs of pixel ({i}, {j})")[1].split("</svg>")[0]
        w_grid = frame.split('aria-label="Wₘₐₜ = ')[1].split("</svg>")[0]
        assert [f">{number(v)}<" in pixel_grid for v in e["x"][:, i, j]] == [True] * D
        assert [f">{number(v)}<" in out_grid for v in y[:, i, j]] == [True] * y.shape[0]
        assert all(f">{number(v)}<" in w_grid for v in e["w_mat"].ravel())
    w_grids = {frame.split('aria-label="Wₘₐₜ = ')[1].split("</svg>")[0] for frame in stepper.frames}
    assert len(w_grids) == 1                                  # one W_mat for every pixel


def test_pixel_dense_view_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"x must be \(D, H, W\), w_mat \(F, D\)"):
        pixel_dense_view(np.ones((3, 2, 2)), np.ones((2, 4)), np.ones(2), 0, 0)


def test_conv_layer_shapes_refuses_bad_sizes():
    with pytest.raises(ValueError, match="F must be a positive whole number"):
        conv_layer_shapes(1, 1, 4, 4, 0, 2, 2)


# --- the steppers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("example", list(CONV_EXAMPLES))
def test_conv_stepper_visits_every_output_cell_then_every_input_cell(example):
    e = CONV_EXAMPLES[example]
    s = conv_stepper(example)
    out = output_shape(e["x"].shape, e["k"].shape, e["stride"], e["padding"])
    assert conv_cells(example, "forward") == out and conv_cells(example, "backward") == e["x"].shape
    cells = [("forward", n) for n in range(int(np.prod(out)))] + [("backward", n) for n in range(e["x"].size)]
    assert s.frames == [ConvWidget(example, mode, n).picture.value for mode, n in cells]


def test_pool_stepper_visits_every_output_cell_of_each_setting():
    s = pool_stepper()
    expected = []
    for mode, stride in (("max", 2), ("avg", 2), ("max", 1)):
        y = mdlib.max_pool2d(POOL_EXAMPLE["x"][None, None], POOL_SIZE, stride)[0, 0]
        expected += [(mode, stride, i, j) for i, j in np.ndindex(*y.shape)]
    assert len(s.frames) == len(expected)
    assert [c.split(" of ")[0] for c in s.captions] == [f"{m} pooling, stride {st}: output cell ({i}, {j})"
                                                        for m, st, i, j in expected]


# --- the live widgets ------------------------------------------------------------------------------

def test_conv_widget_follows_mode_example_and_cell(same):
    w = ConvWidget(mode="backward", cell=4)
    e = CONV_EXAMPLES[w.example.value]
    assert w.cell.max == e["x"].size - 1 and same(w.view, conv_view(w.example.value, "backward", 4))
    assert (w.view["mode"], w.view["r"], w.view["c"]) == ("backward", 1, 1)
    w.mode.value = "forward"
    OH, OW = output_shape(e["x"].shape, e["k"].shape, e["stride"], e["padding"])
    assert w.cell.max == OH * OW - 1 and w.view["mode"] == "forward"
    w.cell.value = w.cell.max
    y = mdlib.conv2d(e["x"][None, None], e["k"][None, None], None, e["stride"], e["padding"])[0, 0]
    assert (w.view["i"], w.view["j"]) == (OH - 1, OW - 1) and w.view["value"] == pytest.approx(y[-1, -1])
    w.example.value = other = list(CONV_EXAMPLES)[1]
    f = CONV_EXAMPLES[other]
    assert w.cell.max == int(np.prod(output_shape(f["x"].shape, f["k"].shape, f["stride"], f["padding"]))) - 1
    np.testing.assert_array_equal(w.view["k"], f["k"])


def test_pool_selection_keeps_row_and_column_when_the_stride_changes(text, same):
    w = PoolWidget(mode="max", stride=1, cell=3)      # stride 1: 3x3 output, cell 3 = (1, 0)
    assert (w.view["i"], w.view["j"]) == (1, 0) and same(w.view, pool_view("max", 1, 1, 0))
    w.stride.value = 2                                # 2x2 output: still (1, 0), its window moves
    assert same(w.view, pool_view("max", 2, 1, 0)) and w.cell.value == 2
    shown = text(w.picture.value)
    top, left = w.view["top"], w.view["left"]
    assert "output cell (1, 0)" in shown.lower()
    assert f"rows {top} to {top + POOL_SIZE - 1}, columns {left} to {left + POOL_SIZE - 1}" in shown
    w.stride.value = 1                                # and back: (1, 0), not (0, 2)
    assert (w.view["i"], w.view["j"]) == (1, 0)


def test_pool_selection_is_clamped_into_the_smaller_output(same):
    w = PoolWidget(stride=1, cell=8)                  # (2, 2), the last cell of the 3x3 output
    w.stride.value = 2                                # one render: the clamped cell, not a second jump
    assert (w.view["i"], w.view["j"]) == (1, 1) and (w.cell.value, w.cell.max) == (3, 3)
    w.cell.value = 2                                  # the slider still moves row-major
    assert (w.view["i"], w.view["j"]) == (1, 0)
    w.mode.value = "avg"
    assert same(w.view, pool_view("avg", 2, 1, 0))


@pytest.mark.parametrize("example", list(CONV_EXAMPLES))
def test_conv_captions_index_x_itself_forward_and_backward(example, text):
    """Both modes' captions index the input x, not x_pad: the forward caption's
    x[i·s + u − p, j·s + v − p] is, for every term it prints, the x entry that the term
    multiplies (0 in the padding), with the backward caption's i·s + u − p (a reader
    once found the forward caption indexing x_pad while calling it x)."""
    e = CONV_EXAMPLES[example]
    x, s, p = e["x"], e["stride"], e["padding"]
    # "− p" only with padding (never "− 0"), and then a word on x being 0 outside
    forward = re.compile(r"x\[(\d+)·(\d+) \+ u(?: − (\d+))?, (\d+)·(\d+) \+ v(?: − (\d+))?\]")
    backward = re.compile(r"over i·(\d+) \+ u(?: − (\d+))? = \d+, j·(\d+) \+ v(?: − (\d+))? = \d+")
    for n in range(int(np.prod(conv_cells(example, "forward")))):
        view = conv_view(example, "forward", n)
        caption = text(conv_html(view))
        found = forward.search(caption)
        assert found, caption
        assert "− 0" not in caption and ("is 0 outside its" in caption) == (p > 0), caption
        i, s1, p1, j, s2, p2 = (int(g or 0) for g in found.groups())
        assert (i, j, s1, s2, p1, p2) == (view["i"], view["j"], s, s, p, p)
        for u, v, xv, _ in view["terms"]:
            r, c = i * s1 + u - p1, j * s2 + v - p2
            inside = 0 <= r < x.shape[0] and 0 <= c < x.shape[1]
            assert xv == (x[r, c] if inside else 0.0), (n, u, v)
    for n in range(x.size):
        caption = text(conv_html(conv_view(example, "backward", n)))
        found = backward.search(caption)
        assert found and tuple(int(g or 0) for g in found.groups()) == (s, p, s, p), caption
        assert "− 0" not in caption
