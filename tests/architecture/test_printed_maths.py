"""The printed verdicts of check_derivation use the book's symbols, never ASCII maths.

Every "derived == ..." and "rejected, the common mistake ..." line in the committed
outputs of book/*.ipynb (with its wrapped continuation lines) is read as the reader sees
it, and must spell the maths as the prose typesets it: σ′(z) not sigma'(z), ∂C/∂W² not
dC/dW^2, (V³)ᵀ not (V^3)^T, ⊙ and × not *, − not -, → not ->.
"""

import re
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[2] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
VERDICT = re.compile(r"^(derived == |rejected, the common mistake )")

ASCII_MATHS = {
    "a superscript or transpose written with ^": re.compile(r"[\w)\]}|]\^[\w{(+\-]"),
    "a subscript written with _": re.compile(
        r"_\{|\b[^\W\d_]{1,3}_(?:[^\W_]{1,4}|\{)(?![\w(])|\)_\w|\b1_[nN]\b"),
    "a Greek letter spelled out": re.compile(
        r"\b(alpha|beta|gamma|delta|Delta|epsilon|eta|lambda|mu|nabla|sigma|theta)\b"),
    "a prime written with '": re.compile(
        r"[A-Za-zσ]'(?=\()|\b(tanh|relu)'(?!s\b)|σ'"),
    # ∂ for partial derivatives; §2.1's chain rule of one variable keeps its d/dx
    "a derivative written d.../d...": re.compile(
        r"\b(?!(?:dz/dx|dz/dy|dy/dx)\b)d\w*/d\w|\bd\(\w+\)/d\w"),
    "a product or power written with *": re.compile(r"\s\*\s|\*\*|\w\*\w|\(\.\)"),
    "a minus written with -": re.compile(
        r"[\w)\]²³ᵀ] - [\w(σδ]|(?:^|[\s(,=])-[A-Za-z(σδ]"),
    "an arrow written ->": re.compile(r"->|<-"),
    "a norm written ||": re.compile(r"\|\|"),
    "a gradient written grad": re.compile(r"\bgrad\b"),
}


def ascii_maths(text):
    """[(what, the offending match)] for every ASCII-maths pattern found in text."""
    return [(what, m.group(0)) for what, pattern in ASCII_MATHS.items()
            for m in pattern.finditer(text)]


def verdicts(path):
    """The verdict lines printed in one notebook's committed outputs, each joined with
    the continuation lines say() indents under it: [(cell index, text)]."""
    found = []
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream":
                continue
            current = None
            for line in output.get("text", "").splitlines():
                if VERDICT.match(line):
                    current = [line]
                    found.append((index, current))
                elif current is not None and line.startswith("    "):
                    current.append(line.strip())
                else:
                    current = None
    return [(index, " ".join(lines)) for index, lines in found]


def test_the_patterns_catch_ascii_maths_and_pass_the_books_symbols():
    bad = ["derived == dC/dW^2 = (1/N) Delta^2 (A^1)^T", "sigma'(a) for sigma'(z)",
           "W2^T dZ2 (.) sigma'(Z1)", "1 - tanh(z)^2", "v^3_{kj} -> w^3_{jk}",
           "-S S^T alone", "x_j", "(a - y) * s", "||grad C||", "dJ/dz = a - y",
           "tanh'(z)", "d(penalty)/dW", "n_L = 3",
           "h* = ∛(3 ϵ_mach |f| / |f‴|)"]
    for text in bad:
        assert ascii_maths(text), text
    good = ["derived == ∂C/∂W² = (1/N) Δ² (A¹)ᵀ: every entry of the difference "
            "simplifies to 0", "σ′(a) for σ′(z)", "W₂ᵀ dZ₂ ⊙ σ′(Z₁)", "1 − tanh(z)²",
            "v³ₖⱼ → w³ⱼₖ", "−S Sᵀ alone", "(by more than 1e-12 at random points)",
            "convolve2d(δ, rot180(K), 'full')", "full_conv(δ[f], w[f, c])",
            "dz/dx = dz/dy dy/dx", "tanh's rule", "W reshaped to (nₗ₋₁, nₗ)"]
    for text in good:
        assert not ascii_maths(text), (text, ascii_maths(text))


def test_every_notebook_prints_verdicts():
    counts = {path.name: len(verdicts(path)) for path in NOTEBOOKS}
    assert sum(counts.values()) >= 100, counts   # the scan below is not vacuous
    for name in ("01_notation.ipynb", "02_backprop.ipynb", "03_two_layer_shapes.ipynb",
                 "04_conv_pool.ipynb"):
        assert counts[name] >= 5, counts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_printed_verdicts_use_the_books_symbols(path):
    problems = [f"cell {index}: {what} ({match!r}) in: {text}"
                for index, text in verdicts(path) for what, match in ascii_maths(text)]
    assert not problems, (f"{len(problems)} ASCII-maths spellings:\n"
                          + "\n".join(problems))
