"""SymPy symbols named in the book's notation, for the executable derivations.

Defined in Chapter 1 (Notation). Indices in symbol names are 1-based, as in the prose:
w^l_{jk} is the weight from neuron k of layer l-1 to neuron j of layer l.
"""
import sympy as sp


def weight_matrix(l, n_l, n_prev):
    """The (n_l, n_prev) Matrix W^l whose entry (j, k) is the symbol w^l_{jk}."""
    return sp.Matrix(n_l, n_prev,
                     lambda j, k: sp.Symbol(f"w^{{{l}}}_{{{j + 1}{k + 1}}}", real=True))


def bias_vector(l, n_l):
    """The (n_l, 1) Matrix b^l whose entry j is the symbol b^l_j."""
    return sp.Matrix(n_l, 1,
                     lambda j, _: sp.Symbol(f"b^{{{l}}}_{{{j + 1}}}", real=True))


def input_vector(n_1, name="x"):
    """The (n_1, 1) Matrix x whose entry k is the symbol x_k."""
    return sp.Matrix(n_1, 1, lambda k, _: sp.Symbol(f"{name}_{{{k + 1}}}", real=True))


def symbolic_network(sizes):
    """Symbols for a network of widths sizes = [n_1, ..., n_L].

    returns (W, b, x): W = {l: weight_matrix(l, n_l, n_{l-1})},
    b = {l: bias_vector(l, n_l)} for l = 2..L, and x = input_vector(n_1).
    """
    sizes = [int(n) for n in sizes]
    L = len(sizes)
    W = {l: weight_matrix(l, sizes[l - 1], sizes[l - 2]) for l in range(2, L + 1)}
    b = {l: bias_vector(l, sizes[l - 1]) for l in range(2, L + 1)}
    return W, b, input_vector(sizes[0])


def numeric_values(symbols_to_arrays):
    """{symbol: float} from pairs (sympy Matrix, numpy array of the same shape).

    Used to evaluate a symbolic network at the numbers an mdlib kernel received.
    """
    values = {}
    for M, arr in symbols_to_arrays:
        if tuple(M.shape) != tuple(arr.shape):
            raise ValueError(f"symbol matrix {tuple(M.shape)} and array {arr.shape} "
                             f"differ in shape")
        for i in range(M.rows):
            for j in range(M.cols):
                values[M[i, j]] = float(arr[i, j])
    return values


def name_derivative(expr, f, f_prime):
    """Rewrite SymPy's derivative of an undefined function f as the function f_prime.

    Defined in Chapter 2. sp.diff(sigma(u), w) comes back as
    Subs(Derivative(sigma(xi), xi), xi, u) * du/dw; this turns each such factor into
    f_prime(u), so a brute-force derivative can be compared term by term with a formula
    written with sigma'. Raises ValueError if a derivative of f is left over.
    """
    def is_f_derivative(e):
        return (isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative)
                and e.expr.expr.func == f and len(e.variables) == 1)

    expr = expr.replace(is_f_derivative, lambda e: f_prime(e.point[0]))
    expr = expr.replace(lambda e: (isinstance(e, sp.Derivative) and e.expr.func == f
                                   and len(e.variables) == 1),
                        lambda e: f_prime(e.variables[0]))
    left = [d for d in expr.atoms(sp.Derivative) if d.expr.func == f]
    if left:
        raise ValueError(f"derivatives of {f} left that could not be named: {left[:3]}")
    return expr


class Sigmoid(sp.Function):
    """The logistic sigmoid as a SymPy function that knows its derivative, sigma' =
    sigma (1 - sigma).

    Defined in Chapter 3. Chapter 2 derives that rule from 1/(1 + e^{-z}); with it built
    in, the derivative of a whole batch loss stays a rational expression in sigma(...)
    terms, which sp.cancel can prove equal to a formula in moments instead of minutes.
    Chapter 3 checks the rule once more against the explicit formula (rewrite(sp.exp)).
    """

    def fdiff(self, argindex=1):
        s = Sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + sp.exp(-arg))


def _entries(expr):
    """The entries of a SymPy Matrix (row-major), or [expr] for a scalar."""
    return list(expr) if isinstance(expr, sp.MatrixBase) else [sp.sympify(expr)]


def _same_shape(a, b, what):
    shape_a = a.shape if isinstance(a, sp.MatrixBase) else ()
    shape_b = b.shape if isinstance(b, sp.MatrixBase) else ()
    if shape_a != shape_b:
        raise ValueError(f"{what} has shape {shape_a} but the derived result has shape "
                         f"{shape_b}")


POINTS = 4   # where difference_at_a_point looks: all positive, all negative, two mixed


def difference_at_a_point(a, b, seed=0, points=POINTS):
    """max |a - b| over the entries and over a few points (seeded), where every symbol
    and every value or derivative of an undefined function gets its own random rational,
    1 <= |value| <= 2, with a large prime denominator (so nothing is 0, 1 or equal by
    accident): all positive at the first point, all negative at the second, of mixed
    signs at the others.

    Defined in Chapter 1. Undefined functions (sigma, L, ...) are generic, so their
    values and derivatives at different arguments are independent numbers; a nonzero
    result therefore proves a and b are different formulas. Defined functions (Sigmoid,
    exp) are evaluated. Both signs are drawn so that a mistake on one branch of a
    piecewise formula (relu') is seen.
    """
    import random

    rng = random.Random(seed)
    worst = 0.0
    differences = _entries(sp.Matrix(a) - sp.Matrix(b) if isinstance(a, sp.MatrixBase)
                           else sp.sympify(a) - b)
    for point in range(points):
        # the first point all positive, the second all negative, the others mixed
        sign = ((lambda: 1) if point == 0 else (lambda: -1) if point == 1
                else (lambda: rng.choice((-1, 1))))
        value = lambda: sign() * sp.Rational(rng.randint(99991, 2 * 99991), 99991)
        for d in differences:
            d = d.doit()
            # derivatives and function values first (outermost first: xreplace works
            # top-down, and a Derivative's own variable must not become a number), then
            # the remaining symbols
            for kinds in ((sp.Derivative, sp.Subs), (sp.core.function.AppliedUndef,)):
                d = d.xreplace({e: value() for e in sorted(d.atoms(*kinds), key=str)})
            d = d.xreplace({s: value() for s in sorted(d.free_symbols, key=str)})
            # rewrite(sp.exp): sin, cos: complex exponentials
            worst = max(worst, abs(complex(sp.N(d.rewrite(sp.exp), 30))))
    return worst


def say(line, width=88):
    """Print a verdict wrapped to the book's 88 columns, continuation lines indented."""
    import textwrap

    print(textwrap.fill(line, width=width, subsequent_indent="    ",
                        break_long_words=False))


def check_derivation(derived, stated, mistakes=None, name="the formula",
                     simplify=sp.simplify):
    """Assert that a derived SymPy result equals the formula as stated, and that each
    common mistake is rejected by the same comparison. Prints one verdict each (wrapped
    at 88 columns).

    Defined in Chapter 1.
    derived, stated: SymPy expressions or Matrices of one shape. Equal means every entry
        of simplify(derived - stated) is exactly 0.
    mistakes: {description: wrong formula}. Each must differ from derived at one of
        those points (difference_at_a_point > 1e-12 at some point): proof that the check
        above would have failed on it.
    Raises AssertionError naming the formula and the first entry that disagrees.
    """
    _same_shape(stated, derived, name)
    if isinstance(derived, sp.MatrixBase):
        d = sp.Matrix(derived) - sp.Matrix(stated)
    else:
        d = derived - stated
    for i, entry in enumerate(_entries(d)):
        left = simplify(entry)
        if left != 0:
            raise AssertionError(f"{name}: entry {i} of derived - stated simplifies to "
                                 f"{left}, not 0")
    say(f"derived == {name}: every entry of the difference simplifies to 0")
    for what, wrong in (mistakes or {}).items():
        if isinstance(wrong, sp.MatrixBase) != isinstance(derived, sp.MatrixBase) or (
                isinstance(wrong, sp.MatrixBase) and wrong.shape != derived.shape):
            say(f"rejected, the common mistake {what}: it does not even have the shape "
                f"of the result")
            continue
        gap = difference_at_a_point(derived, wrong)
        if not gap > 1e-12:
            raise AssertionError(f"the common mistake {what} is not rejected: it "
                                 f"agrees with the derived result at {POINTS} random "
                                 f"points (largest difference {gap:.1e})")
        say(f"rejected, the common mistake {what}: it differs from the derived result "
            f"(by more than 1e-12 at random points)")
