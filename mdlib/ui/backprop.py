"""Chapter 2 (Backpropagation): BP1-BP4 stepped through layer by layer.

Pure views (backprop_problem, backprop_steps), their drawing (backprop_html), the static
backprop_stepper and the live BackpropWidget. What the output layer is for a loss
(sigma, or logits for a fused loss, and which probabilities) comes from the loss
registry mdlib.models.losses.LOSSES, never from the loss's name here. Then the worked
2-2-2 example by hand (WORKED_EXAMPLE, worked_example_values, worked_example_steps, its
drawing and worked_example_stepper), and the bars of ||delta^l|| layer by layer
(delta_norms_html).
"""
import math
from html import escape

import numpy as np

from ..kernels.activations import sigmoid, sigmoid_prime
from ..kernels.losses import one_hot
from ..models.losses import get_loss
from ..models.network import evaluate, init_params, loss_and_gradients
from . import palette as P
from .notation import check_sizes
from .explorable import Explorable
from .stepper import Stepper, paragraphs
from .svg import (factor, labelled_matrix, number, panel, para, plain_text, sub_sup,
                  symbol)
from .widget import LiveWidget, control

WIDGET_LOSSES = ("mse", "softmax_cross_entropy")
"""The losses the widget and the stepper offer."""

LOSS_NAMES = {"mse": "quadratic loss ½‖aᴸ − y‖²",
              "softmax_cross_entropy": "softmax with cross-entropy"}
"""What the reader reads for each of WIDGET_LOSSES (menus, captions); the value a menu
passes stays the identifier."""

EXPLORABLE_SEEDS = (0, 1, 2)
"""The seeds the HTML book's explorable offers (with the widget's own, if it is
another)."""


# --- pure views ---------------------------------------------------------------------

def backprop_problem(sizes, seed, loss):
    """Defined in Chapter 2. A seeded random network and one sample for the backprop
    stepper and widget.

    loss: one of WIDGET_LOSSES. returns (W, b, x, y): y is a target in [0, 1) per output
    for a loss on sigma's outputs, and a class label for a fused loss (one taking
    logits).
    """
    rng = np.random.default_rng(seed)
    W, b = init_params(sizes, rng)
    b = {l: rng.normal(scale=0.5, size=v.shape) for l, v in b.items()}
    x = rng.normal(size=(sizes[0], 1))
    if get_loss(loss).fused:
        y = np.array([int(rng.integers(sizes[-1]))])
    else:
        y = rng.uniform(size=(sizes[-1], 1))
    return W, b, x, y


def backprop_steps(W, b, x, y, loss="mse", sigma=sigmoid, sigma_prime=sigmoid_prime):
    """Defined in Chapter 2. What the backprop stepper shows, one entry per layer
    l = L, L-1, ..., 2.

    W, b: the network ({l: array}); x: (n_1, N) inputs; y: targets for `loss` (see
    mdlib.models.network.output_delta). Each step is a dict with
      l, L, N, rule ("BP1" at l = L, "BP2" below), loss, fused (the loss takes logits),
      probabilities: the name of the fused loss's probabilities ("softmax",
        "sigmoid"), else None;
      operands: [(key, array)] that the rule combines into delta^l:
        BP1 on sigma's outputs: "a-y", "sigma_prime"  (and the 1/N of the mean)
        BP1, fused losses:      "probs" (the loss's probabilities of z^L), "y" (one-hot)
        BP2:                    "W_next_T", "delta_next", "sigma_prime"
      delta, dW, db: delta^l, dC/dW^l = delta^l (a^{l-1})^T, dC/db^l = delta^l
        (summed over columns);
      a_prev: a^{l-1}.
    The numbers are those of mdlib.models.network.loss_and_gradients, so what is drawn
    is what trains.
    """
    g = loss_and_gradients(W, b, x, y, loss, sigma, sigma_prime)
    L, N = max(W), x.shape[1]
    spec = get_loss(loss)
    probabilities = spec.probabilities.__name__ if spec.fused else None
    steps = []
    for l in range(L, 1, -1):
        if l < L:
            operands = [("W_next_T", W[l + 1].T), ("delta_next", g.delta[l + 1]),
                        ("sigma_prime", sigma_prime(g.z[l]))]
        elif spec.fused:
            target = y if np.ndim(y) == 2 else one_hot(np.asarray(y), g.z[L].shape[0])
            operands = [("probs", spec.probabilities(g.z[L])), ("y", target)]
        else:
            operands = [("a-y", g.a[L] - y), ("sigma_prime", sigma_prime(g.z[L]))]
        steps.append({"l": l, "L": L, "rule": "BP1" if l == L else "BP2", "loss": loss,
                      "fused": spec.fused, "probabilities": probabilities,
                      "N": N, "operands": operands, "delta": g.delta[l],
                      "dW": g.dW[l], "db": g.db[l], "a_prev": g.a[l - 1]})
    return steps


# --- drawing ------------------------------------------------------------------------

def _delta(l):
    return f"<i>&delta;</i><sup>{l}</sup>"


def _batch_delta(l):
    """Delta^l of 2.5: the per-sample errors delta^{(i),l} side by side, (n_l, N)."""
    return f"&Delta;<sup>{l}</sup>"


def _operand_label(key, l, probabilities, batch=False):
    """An operand's label: one sample in lower case (a, z, y, delta), a batch in the
    capitals of 2.5 (A, Z, Y, Delta)."""
    a, z, y = ("A", "Z", "Y") if batch else ("a", "z", "y")
    return {
        "a-y": f"{sub_sup(a, 'L')} &minus; <i>{y}</i>",
        "probs": f"{probabilities}({sub_sup(z, 'L')})",
        "y": f"<i>{y}</i>",
        "W_next_T": "(" + sub_sup("W", l + 1) + ")<sup>T</sup>",
        "delta_next": _batch_delta(l + 1) if batch else _delta(l + 1),
        "sigma_prime": "&sigma;&prime;(" + sub_sup(z, l) + ")",
    }[key]


def backprop_html(step):
    """Defined in Chapter 2. One step of the backprop stepper: the rule, its operands,
    delta^l, dW^l and db^l.

    One sample (the book's widget) in 2.3's notation: delta^l, dJ/dW^l = delta^l
    (a^{l-1})^T. A batch (N > 1) in 2.5's, as the prose writes it: the per-sample errors
    Delta^l (mdlib's delta[l] times N), dC/dW^l = (1/N) Delta^l (A^{l-1})^T and
    dC/db^l = (1/N) Delta^l 1_N."""
    l, L, N = step["l"], step["L"], step["N"]
    batch = N > 1
    ops = dict(step["operands"])
    if batch:                        # Delta^{l+1} = N delta[l+1]: no 1/N inside
        ops = {k: N * M if k == "delta_next" else M for k, M in ops.items()}
    p = step["probabilities"]
    pictures = {key: labelled_matrix(_operand_label(key, l, p, batch), M)
                for key, M in ops.items()}
    d = _batch_delta if batch else _delta
    delta = N * step["delta"] if batch else step["delta"]
    a, z, y = ("A", "Z", "Y") if batch else ("a", "z", "y")
    zL, aL = sub_sup(z, "L"), sub_sup(a, "L")
    columns = ", one column per sample" if batch else ""
    if step["rule"] == "BP2":
        eq = (f"BP2: {d(l)} = (({sub_sup('W', l + 1)})<sup>T</sup> "
              f"{d(l + 1)}) &#8857; &sigma;&prime;({sub_sup(z, l)}){columns}")
        combined = (symbol("(") + pictures["W_next_T"] + symbol("&middot;")
                    + pictures["delta_next"] + symbol(")")
                    + symbol("&#8857;") + pictures["sigma_prime"])
    elif step["fused"]:
        eq = (f"BP1 for a fused loss: {d(L)} = {p}({zL}) &minus; <i>{y}</i>"
              + columns)
        combined = pictures["probs"] + symbol("&minus;") + pictures["y"]
    else:
        eq = (f"BP1: {d(L)} = ({aL} &minus; <i>{y}</i>) &#8857; "
              f"&sigma;&prime;({zL}){columns}")
        combined = pictures["a-y"] + symbol("&#8857;") + pictures["sigma_prime"]
    result = symbol("=") + labelled_matrix(d(l), delta)
    # one sample: the loss J (BP3, BP4 of 2.3); a batch: the cost C, their mean (2.5)
    cost = "<i>C</i>" if batch else "<i>J</i>"
    dC_dW = f"&part;{cost}/&part;{sub_sup('W', l)}"
    dC_db = f"&part;{cost}/&part;{sub_sup('b', l)}"
    a_prev_T = f"({sub_sup(a, l - 1)})<sup>T</sup>"
    if batch:
        mean = "(1/<i>N</i>) "
        grads = (f"BP4: {dC_dW} = {mean}{d(l)} {a_prev_T} &nbsp; "
                 f"BP3: {dC_db} = {mean}{d(l)} <b>1</b><sub><i>N</i></sub> "
                 f"({d(l)} summed over the N columns; 1/N for the mean over N = {N})")
    else:
        mean = ""
        grads = f"BP4: {dC_dW} = {d(l)} {a_prev_T} &nbsp; BP3: {dC_db} = {d(l)}"
    product = ((symbol(mean.strip()) if batch else "")
               + labelled_matrix(d(l), delta) + symbol("&middot;")
               + labelled_matrix(a_prev_T, step["a_prev"].T))
    dW = symbol("=") + labelled_matrix(dC_dW, step["dW"])
    db = symbol("&nbsp;") + labelled_matrix(dC_db, step["db"])
    return panel(para(f"<b>Layer l = {l}</b> of L = {L}. {eq}"),
                 _wrapping_row(combined, result), para(grads, "8px 0 4px"),
                 _wrapping_row(product, dW, db))


def _wrapping_row(*groups):
    """Pictures in groups that stay on one line each (a group wider than the screen
    scrolls), the groups wrapping below one another on a narrow screen: the result
    "= delta^l" is never left off-screen to the right of its product."""
    cells = "".join("<div style='overflow-x:auto;white-space:nowrap;max-width:100%'>"
                    f"{group}</div>" for group in groups)
    return ("<div style='display:flex;flex-wrap:wrap;align-items:center'>"
            f"{cells}</div>")


# --- the stepper and the live widget ------------------------------------------------

_RULES = {"BP1": "BP1 starts the backward pass",
          "BP2": "BP2 moves δ one layer back"}


def backprop_stepper(sizes=(3, 4, 3, 2), seed=0, losses=WIDGET_LOSSES):
    """Defined in Chapter 2. Static counterpart of BackpropWidget: l = L, ..., 2 for
    each loss."""
    frames, captions, says = [], [], []
    for loss in losses:
        W, b, x, y = backprop_problem(list(sizes), seed, loss)
        for step in backprop_steps(W, b, x, y, loss):
            frames.append(backprop_html(step))
            name = LOSS_NAMES[loss]
            captions.append(f"{name[0].upper()}{name[1:]}, layer l = {step['l']}: "
                            f"{_RULES[step['rule']]}; BP3 and BP4 give the gradients.")
            rule = plain_text(paragraphs(frames[-1]).split("</p>")[0])  # in Unicode
            says.append(f"<p style='margin:2px 0'>{escape(rule)}</p>")
    return Stepper(frames, captions, title="Backprop stepper", says=says)


class BackpropWidget(LiveWidget):
    """Defined in Chapter 2. Step l = L, L-1, ..., 2 through backpropagation on one
    random sample.

    Controls: the layer l (from L down to 2), the loss, and a seed that draws a new
    network and sample. widget.update() returns the step drawn (a dict of
    backprop_steps).
    """

    def __init__(self, sizes=(3, 4, 3, 2), seed=0, loss="mse"):
        self.sizes = check_sizes(sizes)
        L = len(self.sizes)
        self.layer = control("steps", "step", L,
                             options=[(f"l = {l}", l) for l in range(L, 1, -1)])
        self.loss = control("menu", "loss", loss,
                            options=[(LOSS_NAMES[x], x) for x in WIDGET_LOSSES])
        self.seed = control("slider", "seed", seed, min=0, max=20)
        super().__init__([[self.layer, self.loss, self.seed]])

    def render(self):
        W, b, x, y = backprop_problem(self.sizes, self.seed.value, self.loss.value)
        steps = {s["l"]: s for s in backprop_steps(W, b, x, y, self.loss.value)}
        step = steps[self.layer.value]
        return step, backprop_html(step)

    def explorable(self):
        seeds = sorted(set(EXPLORABLE_SEEDS) | {self.seed.value})
        L = len(self.sizes)

        def picture(l, loss, seed):
            W, b, x, y = backprop_problem(self.sizes, seed, loss)
            steps = {s["l"]: s for s in backprop_steps(W, b, x, y, loss)}
            return backprop_html(steps[l])

        return Explorable("Backpropagation, layer by layer", [
            ("step", "range", [(l, f"l = {l}") for l in range(L, 1, -1)]),
            ("loss", "menu", [(x, LOSS_NAMES[x]) for x in WIDGET_LOSSES]),
            ("seed", "range", [(s, str(s)) for s in seeds]),
        ], picture, (self.layer.value, self.loss.value, self.seed.value))

# --- the worked example: a 2-2-2 sigmoid network by hand ----------------------------

WORKED_EXAMPLE = {
    "W": {2: np.array([[0.1, 0.2], [0.3, 0.4]]), 3: np.array([[0.5, 0.6], [0.7, 0.8]])},
    "b": {2: np.array([[0.1], [0.2]]), 3: np.array([[0.3], [0.4]])},
    "x": np.array([[0.5], [1.0]]),
    "y": np.array([[1.0], [0.0]]),
    "eta": 0.5,
}
"""Chapter 2's worked example: a 2-2-2 sigmoid network (W, b keyed by l = 2, 3), one
sample x with target y, the quadratic loss J = 1/2 ||a^3 - y||^2 and one gradient step
of size eta. Every number the book prints from it (4 decimals) is far from a rounding
boundary."""

_GIVEN = ("x", "W2", "b2", "W3", "b3", "y")


def _dJ(symbol_html):
    return "&part;<i>J</i>/&part;" + symbol_html


# key: label, for every quantity of the worked example
_WORKED_LABELS = {
    "x": "<i>x</i> = " + sub_sup("a", 1), "W2": sub_sup("W", 2), "b2": sub_sup("b", 2),
    "W3": sub_sup("W", 3), "b3": sub_sup("b", 3), "y": "<i>y</i>",
    "z2": sub_sup("z", 2), "a2": sub_sup("a", 2), "z3": sub_sup("z", 3),
    "a3": sub_sup("a", 3), "J": "<i>J</i>",
    "a3-y": sub_sup("a", 3) + " &minus; <i>y</i>",
    "sp3": "&sigma;&prime;(" + sub_sup("z", 3) + ")", "delta3": _delta(3),
    "W3T_delta3": "(" + sub_sup("W", 3) + ")<sup>T</sup> " + _delta(3),
    "sp2": "&sigma;&prime;(" + sub_sup("z", 2) + ")", "delta2": _delta(2),
    "dW3": _dJ(sub_sup("W", 3)), "db3": _dJ(sub_sup("b", 3)),
    "dW2": _dJ(sub_sup("W", 2)), "db2": _dJ(sub_sup("b", 2)),
    "W3_new": "new " + sub_sup("W", 3), "b3_new": "new " + sub_sup("b", 3),
    "W2_new": "new " + sub_sup("W", 2), "b2_new": "new " + sub_sup("b", 2),
    "J_new": "new <i>J</i>",
}

_WORKED_ROWS = [("given", ("x", "W2", "b2", "W3", "b3", "y")),
                ("forward pass", ("z2", "a2", "z3", "a3", "J")),
                ("backward pass", ("a3-y", "sp3", "delta3", "W3T_delta3", "sp2",
                                   "delta2", "dW3", "db3", "dW2", "db2")),
                ("after one step", ("W2_new", "b2_new", "W3_new", "b3_new", "J_new"))]
"""The frames' rows of tables: every key of _WORKED_LABELS once."""

# (caption, rule, what the step uses, what it gives)
_WORKED_STEPS = [
    ("Forward, layer 2", "forward", ("x", "W2", "b2"), ("z2", "a2")),
    ("Forward, layer 3", "forward", ("a2", "W3", "b3"), ("z3", "a3")),
    ("The loss", "cost", ("a3", "y"), ("J",)),
    ("BP1: the error of the output layer", "BP1", ("a3", "y", "z3"),
     ("a3-y", "sp3", "delta3")),
    ("BP2: the error one layer back", "BP2", ("W3", "delta3", "z2"),
     ("W3T_delta3", "sp2", "delta2")),
    ("BP3 and BP4 at layer 3", "BP3, BP4", ("delta3", "a2"), ("dW3", "db3")),
    ("BP3 and BP4 at layer 2", "BP3, BP4", ("delta2", "x"), ("dW2", "db2")),
    ("The update", "update", ("W2", "b2", "W3", "b3", "dW2", "db2", "dW3", "db3"),
     ("W2_new", "b2_new", "W3_new", "b3_new", "J_new")),
]


def worked_example_values(example=WORKED_EXAMPLE):
    """Defined in Chapter 2. Every number of the worked example, by key (see
    worked_example_steps).

    The forward and backward numbers are mdlib's (loss_and_gradients with the quadratic
    loss; with N = 1 sample C = J and delta[l] = delta^l); the operands BP1 and BP2
    multiply are computed here from them (a^3 - y, sigma'(z^3), (W^3)^T delta^3,
    sigma'(z^2)), and the update is W^l - eta dJ/dW^l, b^l - eta dJ/db^l, with the loss
    J after it from mdlib.evaluate.
    """
    W, b, x, y, eta = (example[k] for k in ("W", "b", "x", "y", "eta"))
    g = loss_and_gradients(W, b, x, y, "mse")
    W_new = {l: W[l] - eta * g.dW[l] for l in W}
    b_new = {l: b[l] - eta * g.db[l] for l in b}
    values = {"x": x, "y": y, "J": float(g.loss), "a3-y": g.a[3] - y,
              "sp3": sigmoid_prime(g.z[3]), "W3T_delta3": W[3].T @ g.delta[3],
              "sp2": sigmoid_prime(g.z[2]),
              "J_new": float(evaluate(W_new, b_new, x, y, "mse")[0])}
    for l in (2, 3):
        values.update({f"W{l}": W[l], f"b{l}": b[l], f"z{l}": g.z[l], f"a{l}": g.a[l],
                       f"delta{l}": g.delta[l], f"dW{l}": g.dW[l], f"db{l}": g.db[l],
                       f"W{l}_new": W_new[l], f"b{l}_new": b_new[l]})
    return values


def _ss(symbol_html, sup=None, sub=None):
    """Like sub_sup, for a symbol that is already HTML (an entity such as &delta;) or an
    index in italics."""
    return (f"<i>{symbol_html}</i>" + (f"<sup>{sup}</sup>" if sup is not None else "")
            + (f"<sub>{sub}</sub>" if sub is not None else ""))


def _n(v, decimals=4):
    """A number as the worked example prints it: 4 decimals, a typographic minus."""
    return number(v, f".{decimals}f")


def _product_decimals(first, other, product):
    """4, or 7 where the product of the two factors as printed (4 decimals) lands within
    0.01 of a 4-decimal rounding edge or rounds otherwise than the product itself (the
    worked example's 0.0157 x 0.5 = 0.00785): then the factor and the product are
    printed to 7 decimals, so the reader's own multiplication agrees with the page."""
    shown = round(first, 4) * round(other, 4) * 1e4
    near_edge = abs(shown - math.floor(shown) - 0.5) < 0.01
    return 7 if near_edge or round(shown) != round(product * 1e4) else 4


def _p(v):
    """_n, in parentheses when negative (a factor of a product)."""
    return factor(v, ".4f")


def _forward_lines(l, v):
    prev = v["x"] if l == 2 else v["a2"]
    W, b, z, a = v[f"W{l}"], v[f"b{l}"], v[f"z{l}"], v[f"a{l}"]
    lines = []
    for j in range(2):
        terms = " + ".join(f"{_p(W[j, k])}&middot;{_p(prev[k, 0])}" for k in range(2))
        lines.append(f"{sub_sup('z', l, j + 1)} = {terms} + {_p(b[j, 0])} = "
                     f"{_n(z[j, 0])}, &nbsp; {sub_sup('a', l, j + 1)} = "
                     f"&sigma;({_n(z[j, 0])}) = {_n(a[j, 0])}")
    return lines


def _cost_lines(v):
    d = v["a3-y"] if "a3-y" in v else v["a3"] - v["y"]
    squares = " + ".join(f"{_p(d[j, 0])}<sup>2</sup>" for j in range(2))
    diffs = [f"({sub_sup('a', 3, j)} &minus; <i>y</i><sub>{j}</sub>)<sup>2</sup>"
             for j in (1, 2)]
    return [f"<i>J</i> = &frac12;({diffs[0]} + {diffs[1]}) = &frac12;({squares}) "
            f"= {_n(v['J'])}"]


def _bp1_lines(v):
    lines = []
    for j in range(2):
        a, a_y = v["a3"][j, 0], _p(v["a3-y"][j, 0])
        lines.append(f"{_ss('&delta;', 3, j + 1)} = ({sub_sup('a', 3, j + 1)} &minus; "
                     f"<i>y</i><sub>{j + 1}</sub>) "
                     f"&sigma;&prime;({sub_sup('z', 3, j + 1)}) = {a_y} &middot; "
                     f"{_n(a)}(1 &minus; {_n(a)}) = {a_y} &middot; "
                     f"{_n(v['sp3'][j, 0])} = {_n(v['delta3'][j, 0])}")
    return lines


def _bp2_lines(v):
    W, d3 = v["W3"], v["delta3"]
    lines = []
    for k in range(2):
        terms = " + ".join(f"{_p(W[j, k])}&middot;{_p(d3[j, 0])}" for j in range(2))
        rule = (f"{_ss('&delta;', 2, k + 1)} = ({sub_sup('w', 3, f'1{k + 1}')} "
                f"{_ss('&delta;', 3, 1)} + {sub_sup('w', 3, f'2{k + 1}')} "
                f"{_ss('&delta;', 3, 2)}) &sigma;&prime;({sub_sup('z', 2, k + 1)})")
        s = _n(v["sp2"][k, 0])
        lines.append(f"{rule} = ({terms}) &middot; {s} = {_n(v['W3T_delta3'][k, 0])} "
                     f"&middot; {s} = {_n(v['delta2'][k, 0])}")
    return lines


def _seven_decimals(l, v):
    """The entries of dJ/dW^l that _bp34_lines prints to 7 decimals (see
    _product_decimals), with the factor delta^l_j printed so too: [(HTML, HTML)]."""
    prev, d = (v["a2"] if l == 3 else v["x"]), v[f"delta{l}"]
    return [(_dJ(sub_sup("w", l, f"{j + 1}{k + 1}")), _ss("&delta;", l, j + 1))
            for j in range(2) for k in range(2)
            if _product_decimals(d[j, 0], prev[k, 0], v[f"dW{l}"][j, k]) == 7]


def _bp34_lines(l, v):
    prev, d = (v["a2"] if l == 3 else v["x"]), v[f"delta{l}"]
    lines = []
    for j in range(2):
        parts = []
        for k in range(2):
            dW = v[f'dW{l}'][j, k]
            places = _product_decimals(d[j, 0], prev[k, 0], dW)
            first = factor(d[j, 0], f".{places}f")
            parts.append(f"{_dJ(sub_sup('w', l, f'{j + 1}{k + 1}'))} = {first}&middot;"
                         f"{_p(prev[k, 0])} = {_n(dW, places)}")
        entries = ", &nbsp;".join(parts)
        lines.append(f"{entries}, &nbsp; {_dJ(sub_sup('b', l, j + 1))} = "
                     f"{_ss('&delta;', l, j + 1)} = {_n(v[f'db{l}'][j, 0])}")
    return lines


def _update_lines(v, eta):
    lines = []
    for l in (2, 3):
        W, dW, b, db = v[f"W{l}"], v[f"dW{l}"], v[f"b{l}"], v[f"db{l}"]
        new_W, new_b = v[f"W{l}_new"], v[f"b{l}_new"]
        entries = [f"{_ss('w', l, f'{j + 1}{k + 1}')}: {_n(W[j, k])} &minus; "
                   f"{_n(eta)}&middot;{_p(dW[j, k])} = {_n(new_W[j, k])}"
                   for j in range(2) for k in range(2)]
        entries += [f"{_ss('b', l, j + 1)}: {_n(b[j, 0])} &minus; "
                    f"{_n(eta)}&middot;{_p(db[j, 0])} = {_n(new_b[j, 0])}"
                    for j in range(2)]
        lines.append(", &nbsp;".join(entries))
    lines.append("the loss of the same sample after the step: "
                 f"<i>J</i> = {_n(v['J'])} &rarr; {_n(v['J_new'])}")
    return lines


def _arithmetic(rule, l, v, eta):
    """The step written out entry by entry, with the numbers (rounded to 4 decimals)."""
    if rule == "forward":
        return _forward_lines(l, v)
    if rule == "cost":
        return _cost_lines(v)
    if rule == "BP1":
        return _bp1_lines(v)
    if rule == "BP2":
        return _bp2_lines(v)
    if rule == "BP3, BP4":
        return _bp34_lines(l, v)
    return _update_lines(v, eta)


_EQUATIONS = {
    "forward": "{z} = {W} {a} + {b}, &nbsp; {a_l} = &sigma;({z})",
    "cost": "<i>J</i> = &frac12; &#8214;{a3} &minus; <i>y</i>&#8214;<sup>2</sup> "
            "(one sample: <i>C</i> = <i>J</i>)",
    "BP1": "BP1: {d3} = ({a3} &minus; <i>y</i>) &#8857; &sigma;&prime;({z3}), &nbsp; "
           "&sigma;&prime;(<i>z</i>) = &sigma;(<i>z</i>)(1 &minus; &sigma;(<i>z</i>))",
    "BP2": "BP2: {d2} = (({W3})<sup>T</sup> {d3}) &#8857; &sigma;&prime;({z2})",
    "BP3, BP4": "BP4: &part;<i>J</i>/&part;{Wl} = {dl} ({prev})<sup>T</sup>, &nbsp; "
                "BP3: &part;<i>J</i>/&part;{bl} = {dl}",
    "update": "gradient descent with &eta; = {eta:g}: {Wl} &larr; {Wl} &minus; &eta; "
              "&part;<i>J</i>/&part;{Wl}, &nbsp; {bl} &larr; {bl} &minus; &eta; "
              "&part;<i>J</i>/&part;{bl} (<i>l</i> = 2, 3)",
}


def worked_example_steps(example=WORKED_EXAMPLE):
    """Defined in Chapter 2. The worked example's stepper, one dict per step.

    Each step: n (0..7), caption, rule ("forward", "cost", "BP1", "BP2", "BP3, BP4",
    "update"), uses and gives (keys of worked_example_values: the quantities the step
    reads and computes, the ones its frame highlights), values (every quantity known
    after the step, by key: the given x, W, b, y and what the steps so far computed),
    equation (HTML), arithmetic (HTML lines: each entry computed with its numbers,
    rounded to 4 decimals) and seven ([(entry, factor)], HTML labels of the entries of
    dJ/dW^l and their factors delta^l_j that the arithmetic writes to 7 decimals
    instead, because their 4-decimal product sits on a rounding edge).
    """
    everything = worked_example_values(example)
    known = list(_GIVEN)
    steps = []
    for n, (caption, rule, uses, gives) in enumerate(_WORKED_STEPS):
        known += [k for k in gives if k not in known]
        values = {k: everything[k] for k in known}
        l = {0: 2, 1: 3, 5: 3, 6: 2}.get(n)
        if rule == "forward":
            equation = _EQUATIONS[rule].format(
                z=sub_sup("z", l), W=sub_sup("W", l), a=sub_sup("a", l - 1),
                b=sub_sup("b", l), a_l=sub_sup("a", l))
        elif rule == "BP3, BP4":
            equation = _EQUATIONS[rule].format(
                Wl=sub_sup("W", l), dl=_delta(l), prev=sub_sup("a", l - 1),
                bl=sub_sup("b", l))
        else:
            equation = _EQUATIONS[rule].format(
                a3=sub_sup("a", 3), z3=sub_sup("z", 3), z2=sub_sup("z", 2),
                d3=_delta(3), d2=_delta(2), W3=sub_sup("W", 3),
                Wl=_ss("W", "<i>l</i>"), bl=_ss("b", "<i>l</i>"), eta=example["eta"])
        seven = _seven_decimals(l, values) if rule == "BP3, BP4" else []
        steps.append({"n": n, "caption": caption, "rule": rule, "uses": uses,
                      "gives": gives, "values": values, "equation": equation,
                      "arithmetic": _arithmetic(rule, l, values, example["eta"]),
                      "seven": seven})
    return steps


def _number_table(key, M, role):
    """One quantity as a small table of its numbers (4 decimals) under its label; role:
    "gives" (computed in this step: red frame, yellow cells), "uses" (read by it: blue
    cells) or None."""
    M = np.atleast_2d(np.asarray(M, dtype=float))
    fill = {"gives": P.SELECTED, "uses": P.WINDOW}.get(role, P.PAPER)
    border = (f"2px solid {P.HIGHLIGHT}" if role == "gives"
              else f"1px solid {P.CELL_LINE}")
    cell = ("<td style='padding:1px 5px;text-align:right;"
            f"border:1px solid {P.HEATMAP_LINE}'>")
    rows = "".join("<tr>" + "".join(f"{cell}{_n(v)}</td>" for v in row) + "</tr>"
                   for row in M)
    return ("<div style='display:inline-block;vertical-align:top;text-align:center;"
            "margin:0 8px 6px 0'>"
            f"<div style='font-size:13px;margin-bottom:2px'>{_WORKED_LABELS[key]}</div>"
            "<table style='border-collapse:collapse;font-size:12px;"
            f"background:{fill};outline:{border}'>{rows}</table></div>")


def worked_example_html(step):
    """Defined in Chapter 2. One frame of the worked example's stepper: the rule, the
    arithmetic entry by entry, and every number known so far, what the step computes
    framed in red (yellow cells), what it reads in blue."""
    def role(key):
        if key in step["gives"]:
            return "gives"
        return "uses" if key in step["uses"] else None
    rows = []
    for title, keys in _WORKED_ROWS:
        shown = [k for k in keys if k in step["values"]]
        if shown:
            rows.append(f"<div><div style='font-size:12px;color:{P.GRID_LINE};"
                        f"margin:2px 0'>{title}</div>"
                        + "".join(_number_table(k, step["values"][k], role(k))
                                  for k in shown) + "</div>")
    arithmetic = "".join(para(line, "2px 0") for line in step["arithmetic"])
    return panel(para(step["equation"]),
                 f"<div style='font-size:13px;margin:4px 0 8px 0'>{arithmetic}</div>",
                 *rows)


def _decimals_note(step):
    """How a frame's numbers are rounded: 4 decimals, and 7 for the products that say so
    (see _product_decimals)."""
    if not step["seven"]:
        return "numbers rounded to 4 decimals"
    names = "; ".join(f"{plain_text(entry)} and its factor {plain_text(delta)}"
                      for entry, delta in step["seven"])
    return (f"numbers rounded to 4 decimals; {names} to 7, where 4 would put the "
            "product on a rounding edge")


def worked_example_stepper(example=WORKED_EXAMPLE):
    """Defined in Chapter 2. The worked 2-2-2 example, one frame per step: forward,
    loss, BP1, BP2, BP3 and BP4 at each layer, the update."""
    steps = worked_example_steps(example)
    captions = [f"{s['caption']} ({_decimals_note(s)}; computed in red, read in blue)."
                for s in steps]
    return Stepper([worked_example_html(s) for s in steps], captions,
                   title="Worked example: a 2-2-2 sigmoid network by hand")
