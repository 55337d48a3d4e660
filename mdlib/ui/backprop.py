"""Chapter 2 (Backpropagation): the four equations BP1-BP4 stepped through layer by layer.

Pure views (backprop_problem, backprop_steps), their drawing (backprop_html), the static
backprop_stepper and the live BackpropWidget. What the output layer is for a loss (sigma, or
logits for a fused loss, and which probabilities) comes from the loss registry
mdlib.models.losses.LOSSES, never from the loss's name here.
"""
import numpy as np

from ..kernels.activations import sigmoid, sigmoid_prime
from ..kernels.losses import one_hot
from ..models.losses import get_loss
from ..models.network import init_params, loss_and_gradients
from .notation import check_sizes
from .explorable import Explorable
from .stepper import Stepper
from .svg import labelled_matrix, panel, para, sub_sup, symbol
from .widget import LiveWidget, control

WIDGET_LOSSES = ("mse", "softmax_cross_entropy")
"""The losses the widget and the stepper offer."""

EXPLORABLE_SEEDS = (0, 1, 2)
"""The seeds the HTML book's explorable offers (with the widget's own, if it is another)."""


# --- pure views -----------------------------------------------------------------------------------

def backprop_problem(sizes, seed, loss):
    """Defined in Chapter 2. A seeded random network and one sample for the backprop stepper and widget.

    loss: one of WIDGET_LOSSES. returns (W, b, x, y): y is a target in [0, 1) per output for a loss
    on sigma's outputs, and a class label for a fused loss (one taking logits).
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
    """Defined in Chapter 2. What the backprop stepper shows, one entry per layer l = L, L-1, ..., 2.

    W, b: the network ({l: array}); x: (n_1, N) inputs; y: targets for `loss` (see
    mdlib.models.network.output_delta). Each step is a dict with
      l, L, N, rule ("BP1" at l = L, "BP2" below), loss, fused (the loss takes logits),
      probabilities: the name of the fused loss's probabilities ("softmax", "sigmoid"), else None;
      operands: [(key, array)] that the rule combines into delta^l:
        BP1 on sigma's outputs: "a-y", "sigma_prime"  (and the 1/N of the mean)
        BP1, fused losses:      "probs" (the loss's probabilities of z^L), "y" (one-hot)
        BP2:                    "W_next_T", "delta_next", "sigma_prime"
      delta, dW, db: delta^l, dC/dW^l = delta^l (a^{l-1})^T, dC/db^l = delta^l (summed over columns);
      a_prev: a^{l-1}.
    The numbers are those of mdlib.models.network.loss_and_gradients, so what is drawn is what trains.
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
        steps.append({"l": l, "L": L, "rule": "BP1" if l == L else "BP2", "loss": loss, "fused": spec.fused,
                      "probabilities": probabilities,
                      "N": N, "operands": operands, "delta": g.delta[l],
                      "dW": g.dW[l], "db": g.db[l], "a_prev": g.a[l - 1]})
    return steps


# --- drawing --------------------------------------------------------------------------------------

def _delta(l):
    return f"<i>&delta;</i><sup>{l}</sup>"


def _operand_label(key, l, probabilities):
    return {
        "a-y": f"{sub_sup('a', 'L')} &minus; <i>y</i>",
        "probs": f"{probabilities}({sub_sup('z', 'L')})",
        "y": "<i>y</i>",
        "W_next_T": "(" + sub_sup("W", l + 1) + ")<sup>T</sup>",
        "delta_next": _delta(l + 1),
        "sigma_prime": "&sigma;&prime;(" + sub_sup("z", l) + ")",
    }[key]


def backprop_html(step):
    """Defined in Chapter 2. One step of the backprop stepper: the rule, its operands, delta^l, dW^l and db^l."""
    l, L = step["l"], step["L"]
    ops = dict(step["operands"])
    p = step["probabilities"]
    pictures = {key: labelled_matrix(_operand_label(key, l, p), M) for key, M in ops.items()}
    mean = f" &nbsp;(&times; 1/N for the mean over N = {step['N']})"
    if step["rule"] == "BP2":
        eq = (f"BP2: {_delta(l)} = (({sub_sup('W', l + 1)})<sup>T</sup> {_delta(l + 1)}) &#8857; "
              f"&sigma;&prime;({sub_sup('z', l)})")
        combined = (symbol("(") + pictures["W_next_T"] + symbol("&middot;") + pictures["delta_next"] + symbol(")")
                    + symbol("&#8857;") + pictures["sigma_prime"])
    elif step["fused"]:
        eq = f"BP1 for a fused loss: {_delta(L)} = {p}({sub_sup('z', 'L')}) &minus; <i>y</i>" + mean
        combined = pictures["probs"] + symbol("&minus;") + pictures["y"]
    else:
        eq = (f"BP1: {_delta(L)} = ({sub_sup('a', 'L')} &minus; <i>y</i>) &#8857; &sigma;&prime;({sub_sup('z', 'L')})"
              + mean)
        combined = pictures["a-y"] + symbol("&#8857;") + pictures["sigma_prime"]
    combined += symbol("=") + labelled_matrix(_delta(l), step["delta"])
    grads = (f"BP4: &part;C/&part;{sub_sup('W', l)} = {_delta(l)} ({sub_sup('a', l - 1)})<sup>T</sup> &nbsp; "
             f"BP3: &part;C/&part;{sub_sup('b', l)} = {_delta(l)} (summed over the N columns)")
    grad_pictures = (labelled_matrix(_delta(l), step["delta"]) + symbol("&middot;")
                     + labelled_matrix(f"({sub_sup('a', l - 1)})<sup>T</sup>", step["a_prev"].T) + symbol("=")
                     + labelled_matrix(f"&part;C/&part;{sub_sup('W', l)}", step["dW"]) + symbol("&nbsp;")
                     + labelled_matrix(f"&part;C/&part;{sub_sup('b', l)}", step["db"]))
    row = "<div style='overflow-x:auto;white-space:nowrap'>{}</div>".format
    return panel(para(f"<b>Layer l = {l}</b> of L = {L}. {eq}"), row(combined),
                 para(grads, "8px 0 4px"), row(grad_pictures))


# --- the stepper and the live widget --------------------------------------------------------------

_RULES = {"BP1": "BP1 starts the backward pass", "BP2": "BP2 moves delta one layer back"}


def backprop_stepper(sizes=(3, 4, 3, 2), seed=0, losses=WIDGET_LOSSES):
    """Defined in Chapter 2. Static counterpart of BackpropWidget: l = L, ..., 2 for each loss."""
    frames, captions = [], []
    for loss in losses:
        W, b, x, y = backprop_problem(list(sizes), seed, loss)
        for step in backprop_steps(W, b, x, y, loss):
            frames.append(backprop_html(step))
            captions.append(f"Loss {loss}, layer l = {step['l']}: {_RULES[step['rule']]}; "
                            "BP3 and BP4 give the gradients.")
    return Stepper(frames, captions, title="Backprop stepper")


class BackpropWidget(LiveWidget):
    """Defined in Chapter 2. Step l = L, L-1, ..., 2 through backpropagation on one random sample.

    Controls: the layer l (from L down to 2), the loss, and a seed that draws a new network and
    sample. widget.update() returns the step drawn (a dict of backprop_steps).
    """

    def __init__(self, sizes=(3, 4, 3, 2), seed=0, loss="mse"):
        self.sizes = check_sizes(sizes)
        L = len(self.sizes)
        self.layer = control("steps", "step", L, options=[(f"l = {l}", l) for l in range(L, 1, -1)])
        self.loss = control("menu", "loss", loss, options=list(WIDGET_LOSSES))
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
            return backprop_html({s["l"]: s for s in backprop_steps(W, b, x, y, loss)}[l])

        return Explorable("Backpropagation, layer by layer", [
            ("step", "range", [(l, f"l = {l}") for l in range(L, 1, -1)]),
            ("loss", "menu", [(x, x) for x in WIDGET_LOSSES]),
            ("seed", "range", [(s, str(s)) for s in seeds]),
        ], picture, (self.layer.value, self.loss.value, self.seed.value))
