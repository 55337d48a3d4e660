"""Labels a fresh-eyes reader of the HTML book flagged (issue 11, "One typography"), in the
live widgets and in their HTML explorables and steppers alike (one set of pure views):
numbers with a typographic minus and negative factors in parentheses, the loss menu in
words, the prose's dJ/dW and dJ/dx, alt texts that say which array, its shape and what is
highlighted, and the worked example's decimals as its caption states them."""
import re
import xml.etree.ElementTree as ET
from html import unescape

import numpy as np
import pytest

from mdlib.ui import backprop, convolution, palette, svg
from mdlib.ui.svg import factor, number, plain_text

from test_typography import all_pictures, collect

# a hyphen-minus before a digit that does not join two numbers (3-4-3-2, 2-2-2 are names)
ASCII_MINUS = re.compile(r"(?<![\d\w])-\d|(?<=e)-\d")
# a negative factor of a product without its parentheses: 0.25 × −2, −2 × 0.25, −1·3
BARE_NEGATIVE_FACTOR = re.compile(r"[×·]\s*−\d|(?<![(\d])−[\d.]+\s*[×·]")
SHAPE = re.compile(r", shape \((\d+(?:, \d+)*)\)")


@pytest.fixture(scope="module")
def pictures():
    return all_pictures()


def _texts(html):
    """Every text of a picture a reader sees or hears (alt, aria-label, title, SVG text)."""
    texts, svgs = collect(html)
    return texts + [t for s in svgs for t in ET.fromstring(s).itertext() if t.strip()]


def test_the_scans_catch_the_old_labels():
    old = ["0.25×-2", "y[0, 0] = 0.25&times;-2 + 1×-1", "-1", "x[0, 1] gets -0.5",
           "1e-05", "δ[0, 1] = -1"]
    assert all(ASCII_MINUS.search(unescape(t)) for t in old)
    assert not [t for t in ("3-4-3-2 network", "a 2-2-2 sigmoid network", "l = 2",
                            "rows 0 to 1", "0.25 × (−2)", "1e−05", "x-axis")
                if ASCII_MINUS.search(t)]
    assert all(BARE_NEGATIVE_FACTOR.search(t) for t in ("0.25 × −2", "−2 × 0.25",
                                                        "−0.0528·0.5866"))
    assert not [t for t in ("0.25 × (−2)", "(−2) × 0.25", "0.1000 − 0.5000·0.0078",
                            "= −0.0528", "(−0.2688)²") if BARE_NEGATIVE_FACTOR.search(t)]


def test_number_and_factor():
    assert number(-2) == "\u22122" and number(0.25) == "0.25" and number(-0.0) == "0"
    assert number(-1e-5) == "\u22121e\u221205" and number(-0.00001, ".2f") == "0.00"
    assert number(-0.05283, ".4f") == "\u22120.0528" and number(3.14159, ".4g") == "3.142"
    assert factor(-2) == "(\u22122)" and factor(2) == "2" and factor(-0.0) == "0"


def test_no_hyphen_minus_before_a_digit_in_any_label(pictures):
    found, negatives = {}, 0
    for where, html in pictures.items():
        for text in _texts(html):
            text = unescape(text)
            negatives += text.count("\u2212")
            for pattern in (ASCII_MINUS, BARE_NEGATIVE_FACTOR):
                for m in pattern.finditer(text):
                    found.setdefault((m.group(0), text[:120]), where)
    assert not found, "\n".join(f"{w}: {m!r} in {t!r}" for (m, t), w in
                                list(found.items())[:20])
    assert negatives > 100              # the negative numbers were there to be read


def test_the_stride_2_convolution_prints_negative_factors_in_parentheses():
    frames = convolution.conv_stepper("4x4 input, 3x3 kernel, stride 2, padding 1").frames
    shown = " ".join(_texts(frames[0]))
    # y[0, 0]: the padding's zeros, then x[0, 1] = 0.25 meets K[1, 2] = -2
    assert "= 0 × 1 + 0 × 0 + 0 × (−1) + 0 × 2 + 0 × 0 + 0.25 × (−2) + " in shown
    assert "1.25 × (−1) = −1.75" in shown
    assert "0.25×-2" not in " ".join(t for f in frames for t in _texts(f))


# --- the loss menu -------------------------------------------------------------------

def test_the_loss_menu_shows_words_and_passes_the_identifier(pictures):
    w = backprop.BackpropWidget()
    assert [v for _, v in w.loss.options] == list(backprop.WIDGET_LOSSES)
    texts = [t for t, _ in w.loss.options]
    e = w.explorable()
    (options,) = [o for label, kind, o in e.controls if label == "loss"]
    assert [v for v, _ in options] == list(backprop.WIDGET_LOSSES)
    assert [t for _, t in options] == texts
    assert texts == ["quadratic loss ½‖aᴸ − y‖²", "softmax with cross-entropy"]
    identifiers = re.compile(r"\bmse\b|softmax_cross_entropy")
    for where, html in pictures.items():
        if "Backprop" in where:
            assert not [t for t in _texts(html) if identifiers.search(t)], where
    captions = backprop.backprop_stepper().captions
    assert not [c for c in captions if identifiers.search(c)]
    assert sum(c.startswith("Softmax with cross-entropy, layer") for c in captions) == 3
    # the scan reads the controls' texts: the old menu fails it
    assert identifiers.search(pictures["BackpropWidget controls"].replace(
        "softmax with cross-entropy", "softmax_cross_entropy"))


def test_the_backprop_widget_writes_the_prose_s_dj_dw_for_one_sample():
    w = backprop.BackpropWidget()
    html = w.render()[1]
    assert "&part;<i>J</i>/&part;<i>W</i><sup>4</sup>" in html and "&part;<i>C</i>" not in html
    for state in w.explorable().states.values():
        assert "&part;<i>J</i>/&part;" in state and "&part;<i>C</i>" not in state
    # a batch (N > 1) is scored by the cost C, the mean of the samples' losses J (2.5)
    W, b, x, y = backprop.backprop_problem([3, 4, 2], 0, "mse")
    batch = backprop.backprop_steps(W, b, np.hstack([x, -x]), np.hstack([y, y]), "mse")
    assert "&part;<i>C</i>/&part;" in backprop.backprop_html(batch[0])


# --- chapter 4: dJ/dx and the alt texts -----------------------------------------------

def _chapter4():
    """{where: html} of every chapter 4 stepper frame, live widget and explorable state."""
    out = {}
    steppers = [convolution.pixel_dense_stepper(), convolution.pool_stepper()]
    steppers += [convolution.conv_stepper(e) for e in convolution.CONV_EXAMPLES]
    steppers += [convolution.full_conv_stepper(e) for e in convolution.FULL_CONV_EXAMPLES]
    for s in steppers:
        out.update({f"{s.title}, frame {n}": f for n, f in enumerate(s.frames)})
        out.update({f"{s.title}, caption {n}": f"<p>{c}</p>"
                    for n, c in enumerate(s.captions)})
    for w in (convolution.ConvWidget(), convolution.PoolWidget()):
        out[f"{type(w).__name__} (live)"] = w.render()[1]
        for values, html in w.explorable().states.items():
            out[f"{type(w).__name__} {values}"] = html
    return out


@pytest.fixture(scope="module")
def chapter4():
    return _chapter4()


def test_chapter_4_writes_the_input_gradient_as_the_prose_does(chapter4):
    bare = re.compile(r"(?<![\w∂/])(?:dx|dy|dw|db)(?![\w])")
    found = {}
    for where, html in chapter4.items():
        for text in _texts(html):
            for m in bare.finditer(text):
                found.setdefault((m.group(0), text[:100]), where)
    assert not found, list(found.items())[:10]
    assert sum("∂J/∂x[" in "".join(_texts(h)) for h in chapter4.values()) >= 79
    assert bare.search("dx[0, 1] = Σ δ[i, j] Kᵤᵥ") and not bare.search("∂J/∂x[0, 1]")


def _grid(svg_text):
    """(rows, cols, marked cells) of a grid or heatmap SVG: the numbers' positions give
    the rows and columns, the red outlines (fill none) the marked cells."""
    root = ET.fromstring(svg_text)
    ns = "{http://www.w3.org/2000/svg}"
    texts = list(root.iter(ns + "text"))
    xs = sorted({float(t.get("x")) for t in texts})
    ys = sorted({float(t.get("y")) for t in texts})
    marked = [(ys.index(min(ys, key=lambda v: abs(v - float(r.get("y"))
                                                   - float(r.get("height")) * 0.6))),
               xs.index(min(xs, key=lambda v: abs(v - float(r.get("x"))
                                                  - float(r.get("width")) / 2))))
              for r in root.iter(ns + "rect")
              if r.get("fill") == "none" and r.get("stroke") == palette.HIGHLIGHT]
    return len(ys), len(xs), marked


def _named(alt, r, c):
    """Whether the alt text names cell (r, c): as (r, c), [r, c] or a range of rows and
    columns."""
    if f"({r}, {c})" in alt or f"[{r}, {c}]" in alt:
        return True
    m = re.search(r"rows (\d+) to (\d+), columns (\d+) to (\d+)", alt)
    return bool(m) and (int(m[1]) <= r <= int(m[2]) and int(m[3]) <= c <= int(m[4]))


ARRAY = re.compile(r"(?<!\w)(?:x|y|K|b|δ|δₛ|∂J/∂x|∂J/∂y|Wₘₐₜ|rot180\(K\))(?![\w])")


def test_every_chapter_4_alt_text_names_its_array_shape_and_highlight(chapter4):
    grids, marked = 0, 0
    for where, html in chapter4.items():
        for svg_text in collect(html)[1]:
            alt = unescape(re.search(r'aria-label="([^"]*)"', svg_text).group(1))
            m = SHAPE.search(alt)
            assert m, (where, alt)
            rows, cols, marks = _grid(svg_text)
            assert m.group(1) == f"{rows}, {cols}", (where, alt, rows, cols)
            assert ARRAY.search(alt[:m.start()]), (where, alt)
            for r, c in marks:
                assert _named(alt, r, c), (where, alt, (r, c))
            grids, marked = grids + 1, marked + len(marks)
    print(f"{grids} grids, {marked} marked cells: every alt names them")
    assert grids >= 480 and marked >= 300
    # the old alt texts fail
    assert not SHAPE.search("input") and not SHAPE.search("upstream δ")
    assert not _named("input gradient ∂J/∂x, shape (3, 3)", 1, 1)


def test_the_alt_check_reads_the_grid_it_describes():
    picture = svg.grid_svg(np.arange(6.0).reshape(2, 3), marks=[(1, 2)],
                           label="input x, shape (2, 3); cell (1, 2) marked")
    assert _grid(picture) == (2, 3, [(1, 2)])
    wrong = svg.grid_svg(np.arange(6.0).reshape(3, 2), marks=[(2, 0)], label="")
    assert _grid(wrong) == (3, 2, [(2, 0)])


def test_the_images_keep_the_alt_texts():
    html = svg.svg_as_img(convolution.pool_stepper().frames[0])
    alts = [unescape(a) for a in re.findall(r"<img data-svg alt='([^']*)'", html)]
    assert len(alts) == 4 and all(SHAPE.search(a) for a in alts)
    assert alts[0].startswith("input x, shape (4, 4); the window of y[0, 0], rows 0 to 1")


# --- the worked example's decimals ---------------------------------------------------

def _decimals(text):
    return [len(m) for m in re.findall(r"\d+\.(\d+)", text)]


def test_the_worked_example_s_frames_round_as_their_captions_say():
    s = backprop.worked_example_stepper()
    steps = backprop.worked_example_steps()
    seven = 0
    for step, frame, caption in zip(steps, s.frames, s.captions):
        stated = {int(n) for n in re.findall(r"(?:rounded )?to (\d+)(?: decimals)?",
                                             caption)}
        assert 4 in stated, caption
        for line in step["arithmetic"]:
            for part in plain_text(line).split(",  "):
                places = set(_decimals(part))
                assert places <= stated, (caption, part)
                if 7 in places:                     # the entry is named in the caption
                    seven += 1
                    assert part.split(" = ")[0].strip() in caption, (caption, part)
        # every text of the frame, tables and arithmetic, but the rule's line stating the
        # given eta = 0.5
        for text in _texts(frame):
            if "η = " not in text:
                assert set(_decimals(text)) <= stated, (caption, text)
    assert seven == 1                  # dJ/dw^2_21 = 0.0156908 · 0.5000 = 0.0078454
    assert "∂J/∂w²₂₁ and its factor δ²₂ to 7" in s.captions[6]
    # the old caption of step 7 fails
    old = "BP3 and BP4 at layer 2 (numbers rounded to 4 decimals; computed in red, read in blue)."
    assert {int(n) for n in re.findall(r"(?:rounded )?to (\d+)(?: decimals)?", old)} == {4}


def test_one_sample_frames_carry_no_notes_about_a_batch():
    """The book's widget steps one sample: no '× 1/N for the mean over N = 1', no 'summed
    over the N columns'; a batch keeps both notes."""
    one = "".join(backprop.backprop_html(s) for s in backprop.backprop_steps(
        *backprop.backprop_problem([3, 4, 2], 0, "mse"), "mse"))
    assert "1/N" not in one and "summed over the N columns" not in one
    W, b, x, y = backprop.backprop_problem([3, 4, 2], 0, "mse")
    batch = backprop.backprop_steps(W, b, np.hstack([x, -x]), np.hstack([y, y]), "mse")
    both = "".join(backprop.backprop_html(s) for s in batch)
    assert "1/N for the mean over N = 2" in both and "summed over the N columns" in both


def test_a_batch_frame_writes_the_prose_s_batch_gradient():
    """2.5 writes a batch's weight gradient ∂C/∂Wˡ = (1/N) Δˡ (Aˡ⁻¹)ᵀ, Δˡ the per-sample
    errors side by side; a batch frame labels and draws the same (it once wrote
    ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ beside mdlib's delta[l] = Δˡ/N). One sample keeps ∂J/∂Wˡ = δˡ (aˡ⁻¹)ᵀ."""
    W, b, x, y = backprop.backprop_problem([3, 4, 2], 0, "mse")
    for step in backprop.backprop_steps(W, b, x, y, "mse"):
        l = step["l"]
        assert (f"&part;<i>J</i>/&part;<i>W</i><sup>{l}</sup> = <i>&delta;</i><sup>{l}</sup> "
                f"(<i>a</i><sup>{l - 1}</sup>)<sup>T</sup>") in backprop.backprop_html(step)
    batch = backprop.backprop_steps(W, b, np.hstack([x, -x]), np.hstack([y, y]), "mse")
    for step in batch:
        l, N, html = step["l"], step["N"], backprop.backprop_html(step)
        assert N == 2
        assert (f"&part;<i>C</i>/&part;<i>W</i><sup>{l}</sup> = (1/<i>N</i>) &Delta;<sup>{l}</sup> "
                f"(<i>A</i><sup>{l - 1}</sup>)<sup>T</sup>") in html, html
        assert (f"&part;<i>C</i>/&part;<i>b</i><sup>{l}</sup> = (1/<i>N</i>) &Delta;<sup>{l}</sup> "
                "<b>1</b><sub><i>N</i></sub>") in html
        assert "&delta;" not in html                 # no lower-case delta on a batch
        # the matrix drawn as Δˡ holds N delta[l] (each sample's own error), not delta[l]
        shown = set(re.findall(r">([−\d.e]+)</text>", html))
        heatmap = lambda M: {number(v, ".2g") for v in M.ravel()}   # as heatmap_svg prints
        assert heatmap(N * step["delta"]) <= shown
        assert not heatmap(step["delta"]) <= shown
