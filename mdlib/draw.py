"""Render the pure views of mdlib.views as self-contained HTML (inline SVG, no scripts).

The same HTML is the value of a live ipywidgets.HTML and a frame of a static stepper, so
the book shows exactly what the live widget shows, with no kernel and no network. A stepper
ships its SVG as images (svg_as_img) that its script turns back into inline SVG: an untrusted
notebook's sanitiser keeps images but strips inline SVG.
"""
import re
import urllib.parse
from html import escape, unescape

HIGHLIGHT = "#d62728"
EDGE = "#c7c7c7"
NODE = "#4c72b0"
FONT = "font-family:sans-serif"


def sub_sup(symbol, sup=None, sub=None):
    """HTML for a symbol with a superscript and a subscript, e.g. w<sup>3</sup><sub>23</sub>."""
    html = f"<i>{escape(symbol)}</i>"
    if sup is not None:
        html += f"<sup>{escape(str(sup))}</sup>"
    if sub is not None:
        html += f"<sub>{escape(str(sub))}</sub>"
    return html


def shape_text(shape):
    return "&mdash;" if shape is None else escape(f"({shape[0]}, {shape[1]})")


def plain_text(html):
    """Readable plain text of a small HTML label: <sup>3</sup> -> ^3, <sub>j</sub> -> _j, entities decoded."""
    html = html.replace("<sup>", "^").replace("<sub>", "_")
    return unescape(re.sub(r"<[^>]*>", "", html))


_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)
_SVG_ATTR = re.compile(r"""(?<![-\w])(width|height|aria-label)=(?:"([^"]*)"|'([^']*)')""")
# Percent-encode only what a data: URL in a single-quoted attribute needs (#, %, &, ', controls,
# non-ASCII): the image costs a few percent more than the inline SVG, not a third more as base64.
_URL_SAFE = " !\"$()*+,-./:;<=>?@[]^_`{|}~"


def svg_as_img(html):
    """Every inline <svg> of html as an <img data-svg> whose src is the SVG as a data: URL.

    Its alt is the SVG's aria-label; width and height are kept. An untrusted notebook's sanitiser
    keeps such images (it strips inline SVG and runs its text together); mdlib.stepper's script
    turns them back into the inline SVG (hover titles, selectable text) where scripts run.
    """
    def image(match):
        svg = match.group(0)
        head = svg[:svg.index(">")]
        attrs = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _SVG_ATTR.finditer(head)}
        size = "".join(f" {k}='{escape(attrs[k])}'" for k in ("width", "height") if k in attrs)
        alt = escape(unescape(attrs.get("aria-label", "diagram")))
        src = "data:image/svg+xml," + urllib.parse.quote(svg, safe=_URL_SAFE)
        return f"<img data-svg alt='{alt}'{size} src='{src}'>"
    return _SVG.sub(image, html)


def stale_html(picture_html, note_html):
    """A picture that no longer matches the controls: greyed out, under a note saying why."""
    return (f"<div data-stale style='{FONT};font-size:14px'>"
            f"<p style='margin:4px 0;color:{HIGHLIGHT}'><b>Not redrawn.</b> {note_html}</p>"
            f"<div style='opacity:0.3;filter:grayscale(1)' aria-hidden='true'>{picture_html}</div></div>")


def network_svg(view, width=420, height=260):
    """The network diagram: every weight a grey line, w^l_{jk} a thick red one."""
    nodes = view["nodes"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20}" '
             f'viewBox="0 0 {width} {height + 20}" role="img" aria-label="network diagram">']
    for l, j, k, hot in sorted(view["edges"], key=lambda e: e[3]):  # highlighted edge drawn last
        (x1, y1), (x2, y2) = nodes[(l - 1, k)], nodes[(l, j)]
        style = f'stroke="{HIGHLIGHT}" stroke-width="4"' if hot else f'stroke="{EDGE}" stroke-width="1"'
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>')
    for (l, j), (x, y) in sorted(nodes.items()):
        hot = (l, j) in (view["source"], view["target"])
        fill = HIGHLIGHT if hot else NODE
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{fill}"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="10" fill="white" '
                     f'text-anchor="middle" style="{FONT}">{j}</text>')
    for l in range(1, len(view["sizes"]) + 1):
        x = nodes[(l, 1)][0]
        parts.append(f'<text x="{x:.1f}" y="{height + 14}" font-size="12" text-anchor="middle" '
                     f'style="{FONT}">layer {l}</text>')
    parts.append("</svg>")
    return "".join(parts)


def matrix_svg(rows, cols, cell, label, cell_size=26):
    """A rows x cols grid with the 1-based cell (row, col) filled red; row and column numbers."""
    w, h = 30 + cols * cell_size, 30 + rows * cell_size
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" role="img" aria-label="{escape(label)}">']
    for c in range(cols):
        parts.append(f'<text x="{30 + (c + 0.5) * cell_size:.1f}" y="18" font-size="11" '
                     f'text-anchor="middle" style="{FONT}">{c + 1}</text>')
    for r in range(rows):
        y = 30 + r * cell_size
        parts.append(f'<text x="15" y="{y + cell_size * 0.65:.1f}" font-size="11" '
                     f'text-anchor="middle" style="{FONT}">{r + 1}</text>')
        for c in range(cols):
            hot = (r + 1, c + 1) == tuple(cell)
            fill = HIGHLIGHT if hot else "white"
            parts.append(f'<rect x="{30 + c * cell_size}" y="{y}" width="{cell_size}" '
                         f'height="{cell_size}" fill="{fill}" stroke="#555"/>')
    parts.append("</svg>")
    return "".join(parts)


def shapes_table(rows, highlight_l=None):
    """The table of shapes of W^l, b^l, z^l, a^l; the row of layer highlight_l is bold."""
    head = "".join(f"<th style='padding:2px 8px'>{h}</th>" for h in
                   ("l", sub_sup("W", "l"), sub_sup("b", "l"), sub_sup("z", "l"), sub_sup("a", "l")))
    body = []
    for row in rows:
        style = "font-weight:bold;background:#fde0dd" if row["l"] == highlight_l else ""
        cells = [str(row["l"])] + [shape_text(row[key]) for key in ("W", "b", "z", "a")]
        body.append(f"<tr style='{style}'>" + "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells) + "</tr>")
    return f"<table style='border-collapse:collapse;{FONT};font-size:13px'><tr>{head}</tr>{''.join(body)}</table>"


def notation_html(view):
    """The notation widget's picture: diagram, the matrix W^l with cell (j, k), the shapes."""
    l, j, k = view["l"], view["j"], view["k"]
    rows, cols = view["matrix"]
    w = sub_sup("w", l, f"{j}{k}")
    caption = (f"{w}: from neuron {k} of layer {l - 1} to neuron {j} of layer {l}; "
               f"row {j}, column {k} of {sub_sup('W', l)}, shape ({rows}, {cols}) = "
               f"(n<sub>{l}</sub>, n<sub>{l - 1}</sub>)")
    matrix = matrix_svg(rows, cols, view["cell"], f"matrix W{l}")
    return (
        f"<div style='{FONT};font-size:14px'>"
        f"<p style='margin:4px 0'>{caption}</p>"
        "<div style='display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start'>"
        f"<div>{network_svg(view)}</div>"
        f"<div><div style='text-align:center'>{sub_sup('W', l)}: rows j = 1..{rows}, columns k = 1..{cols}</div>{matrix}</div>"
        f"<div>{shapes_table(view['shapes'], highlight_l=l)}</div>"
        "</div></div>"
    )


def _cell_colour(value, vmax):
    """Diverging colour: white at 0, red for positive, blue for negative, full at |value| = vmax."""
    t = 0.0 if vmax == 0 else max(-1.0, min(1.0, value / vmax))
    r, g, b = (214, 39, 40) if t > 0 else (31, 119, 180)
    t = abs(t)
    return "#%02x%02x%02x" % tuple(round(255 + (c - 255) * t) for c in (r, g, b))


def heatmap_svg(M, cell=30, show_values=True, label="matrix"):
    """A matrix as coloured cells (colour scaled to its own largest |entry|), values printed."""
    import numpy as np

    M = np.atleast_2d(np.asarray(M, dtype=float))
    rows, cols = M.shape
    vmax = float(np.abs(M).max()) if M.size else 0.0
    w, h = cols * cell + 1, rows * cell + 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             f'role="img" aria-label="{escape(label)}">']
    for r in range(rows):
        for c in range(cols):
            v = M[r, c]
            parts.append(f'<rect x="{c * cell}" y="{r * cell}" width="{cell}" height="{cell}" '
                         f'fill="{_cell_colour(v, vmax)}" stroke="#888" stroke-width="0.5"><title>{v:.4g}</title></rect>')
            if show_values and cell >= 20:
                parts.append(f'<text x="{c * cell + cell / 2:.1f}" y="{r * cell + cell * 0.62:.1f}" font-size="8" '
                             f'text-anchor="middle" style="{FONT}">{v:.2g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def labelled_matrix(label_html, M, cell=30):
    """A heatmap with its name above and its shape below."""
    import numpy as np

    shape = np.shape(M)
    return (f"<div style='display:inline-block;text-align:center;vertical-align:middle;margin:0 4px'>"
            f"<div style='font-size:13px'>{label_html}</div>"
            f"{heatmap_svg(M, cell, label=f'{plain_text(label_html)}, shape {tuple(shape)}')}"
            f"<div style='font-size:11px;color:#555'>{escape(str(tuple(shape)))}</div></div>")


def _operand_label(key, l):
    return {
        "a-y": f"{sub_sup('a', 'L')} &minus; <i>y</i>",
        "probs": "softmax(" + sub_sup("z", "L") + ")",
        "y": "<i>y</i>",
        "W_next_T": "(" + sub_sup("W", l + 1) + ")<sup>T</sup>",
        "delta_next": _delta(l + 1),
        "sigma_prime": "&sigma;&prime;(" + sub_sup("z", l) + ")",
    }[key]


def _delta(l):
    return f"<i>&delta;</i><sup>{l}</sup>"


def backprop_html(step):
    """One step of the backprop stepper: the rule, its operands, delta^l, dW^l and db^l."""
    l, L = step["l"], step["L"]
    ops = {key: M for key, M in step["operands"]}
    lab = {key: _operand_label(key, l) for key in ops}
    sym = "<span style='font-size:18px;margin:0 2px'>{}</span>".format
    if step["rule"] == "BP1" and step["loss"] == "mse":
        eq = (f"BP1: {_delta(L)} = ({sub_sup('a', 'L')} &minus; <i>y</i>) &#8857; &sigma;&prime;({sub_sup('z', 'L')})"
              f" &nbsp;(&times; 1/N for the mean over N = {step['N']})")
        pictures = (labelled_matrix(lab["a-y"], ops["a-y"]) + sym("&#8857;")
                    + labelled_matrix(lab["sigma_prime"], ops["sigma_prime"]))
    elif step["rule"] == "BP1":
        eq = (f"BP1 for a fused loss: {_delta(L)} = softmax({sub_sup('z', 'L')}) &minus; <i>y</i>"
              f" &nbsp;(&times; 1/N for the mean over N = {step['N']})")
        pictures = labelled_matrix(lab["probs"], ops["probs"]) + sym("&minus;") + labelled_matrix(lab["y"], ops["y"])
    else:
        eq = (f"BP2: {_delta(l)} = (({sub_sup('W', l + 1)})<sup>T</sup> {_delta(l + 1)}) &#8857; "
              f"&sigma;&prime;({sub_sup('z', l)})")
        pictures = (sym("(") + labelled_matrix(lab["W_next_T"], ops["W_next_T"]) + sym("&middot;")
                    + labelled_matrix(lab["delta_next"], ops["delta_next"]) + sym(")") + sym("&#8857;")
                    + labelled_matrix(lab["sigma_prime"], ops["sigma_prime"]))
    pictures += sym("=") + labelled_matrix(_delta(l), step["delta"])
    grads = (f"BP4: &part;C/&part;{sub_sup('W', l)} = {_delta(l)} ({sub_sup('a', l - 1)})<sup>T</sup> &nbsp; "
             f"BP3: &part;C/&part;{sub_sup('b', l)} = {_delta(l)} (summed over the N columns)")
    grad_pictures = (labelled_matrix(_delta(l), step["delta"]) + sym("&middot;")
                     + labelled_matrix(f"({sub_sup('a', l - 1)})<sup>T</sup>", step["a_prev"].T) + sym("=")
                     + labelled_matrix(f"&part;C/&part;{sub_sup('W', l)}", step["dW"]) + sym("&nbsp;")
                     + labelled_matrix(f"&part;C/&part;{sub_sup('b', l)}", step["db"]))
    return (f"<div style='{FONT};font-size:14px'>"
            f"<p style='margin:4px 0'><b>Layer l = {l}</b> of L = {L}. {eq}</p>"
            f"<div style='overflow-x:auto;white-space:nowrap'>{pictures}</div>"
            f"<p style='margin:8px 0 4px'>{grads}</p>"
            f"<div style='overflow-x:auto;white-space:nowrap'>{grad_pictures}</div></div>")


def _block(shape, colour, label):
    """A rectangle whose sides grow with the shape (log scale, so n = 455 still fits)."""
    import math

    side = lambda d: 14 + 16 * math.log2(d)
    h, w = side(shape[0]), side(shape[1])
    return (f"<div style='display:inline-block;vertical-align:middle;text-align:center;margin:0 3px'>"
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + 2:.0f}" height="{h + 2:.0f}" role="img" '
            f'aria-label="{escape(plain_text(label))} {escape(str(shape))}">'
            f'<rect x="1" y="1" width="{w:.1f}" height="{h:.1f}" fill="{colour}" stroke="#333"/></svg>'
            f"<div style='font-size:12px'>{label}<br>{escape(str(shape))}</div></div>")


def shape_explorer_html(m, n, k, rows):
    """The shape explorer: a block diagram of every product and a table of every shape."""
    colours = {"forward": "#c6dbef", "backward": "#fdd0a2"}
    names = {"Z1": ("W1", "X"), "Z2": ("W2", "A1"), "dW2": ("dZ2", "A1<sup>T</sup>"),
             "dZ1": ("W2<sup>T</sup>", "dZ2"), "dW1": ("dZ1", "X<sup>T</sup>")}
    sym = "<span style='font-size:18px;margin:0 2px;vertical-align:middle'>{}</span>".format
    diagrams = []
    for r in rows:
        if r["left"] is None:
            continue
        a, b = names[r["name"]]
        c = colours[r["phase"]]
        line = _block(r["left"], c, a) + sym("&middot;") + _block(r["right"], c, b)
        if r["broadcast"]:
            line += sym("+") + _block(r["broadcast"], "#e5f5e0", "b" + r["name"][1] + " (broadcast)")
        line += sym("=") + _block(r["result"], c, r["name"])
        if r["name"] == "dZ1":
            line += sym("&#8857;") + _block(r["result"], c, "&sigma;&prime;(Z1)")
        diagrams.append(f"<div style='margin:4px 0'><b style='display:inline-block;width:90px'>{r['name']}</b>{line}</div>")
    table = ["<table style='border-collapse:collapse;font-size:13px'><tr>" + "".join(
        f"<th style='padding:2px 8px;text-align:left'>{h}</th>" for h in ("", "computed as", "product", "shape", "check")) + "</tr>"]
    for r in rows:
        product = (f"{r['left']} &middot; {r['right']} &rarr; ({r['left'][0]}, {r['right'][1]})"
                   if r["left"] else "element-wise" if r["name"] in ("A1", "A2", "dZ2") else "sum over the n columns")
        if r["broadcast"]:
            product += f" + {r['broadcast']} broadcast"
        check = f"same shape as {r['like'][0]} {r['like'][1]}" if r["like"] else ""
        table.append(f"<tr style='background:{colours[r['phase']]}'>" + "".join(
            f"<td style='padding:2px 8px'>{c}</td>" for c in
            (f"<b>{r['name']}</b>", escape(r["formula"]), product, escape(str(r["result"])), check)) + "</tr>")
    table.append("</table>")
    return (f"<div style='{FONT};font-size:14px'><p style='margin:4px 0'>m = {m} features, n = {n} samples, "
            f"k = {k} hidden units. Blue: forward; orange: backward; green: a bias broadcast over the n columns.</p>"
            f"{''.join(diagrams)}{''.join(table)}</div>")


PAIR_COLOURS = ["#fdae6b", "#9ecae1", "#a1d99b", "#bcbddc", "#fc9272", "#c7e9c0", "#dadaeb", "#fdd0a2", "#c6dbef"]


def grid_svg(M, fills=None, marks=(), cell=38, fmt="{:.3g}", offset=0, label=""):
    """A small matrix with its values; fills: {(r, c): colour}; marks: cells outlined in red;
    offset: rows/columns of zero padding drawn hatched grey."""
    import numpy as np

    M = np.asarray(M)
    rows, cols = M.shape
    fills = fills or {}
    w, h = cols * cell + 2, rows * cell + 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             f'role="img" aria-label="{escape(label)}">']
    for r in range(rows):
        for c in range(cols):
            pad = offset and (r < offset or c < offset or r >= rows - offset or c >= cols - offset)
            fill = fills.get((r, c), "#eeeeee" if pad else "white")
            parts.append(f'<rect x="{1 + c * cell}" y="{1 + r * cell}" width="{cell}" height="{cell}" '
                         f'fill="{fill}" stroke="#666"/>')
            parts.append(f'<text x="{1 + c * cell + cell / 2:.1f}" y="{1 + r * cell + cell * 0.6:.1f}" font-size="11" '
                         f'text-anchor="middle" style="{FONT}" fill="{"#999" if pad else "black"}">{fmt.format(M[r, c])}</text>')
    for r, c in marks:
        parts.append(f'<rect x="{1 + c * cell + 1.5}" y="{1 + r * cell + 1.5}" width="{cell - 3}" height="{cell - 3}" '
                     f'fill="none" stroke="{HIGHLIGHT}" stroke-width="3"/>')
    parts.append("</svg>")
    return "".join(parts)


def _captioned(title, svg):
    return (f"<div style='display:inline-block;vertical-align:top;text-align:center;margin:0 10px 6px 0'>"
            f"<div style='font-size:13px;margin-bottom:2px'>{title}</div>{svg}</div>")


def conv_forward_html(view):
    """Forward mode of the convolution stepper: the window of x that meets k, and y[i, j]."""
    top, left, (KH, KW) = view["top"], view["left"], view["k"].shape
    window = {(top + u, left + v): PAIR_COLOURS[(u * KW + v) % len(PAIR_COLOURS)] for u in range(KH) for v in range(KW)}
    kernel = {(u, v): PAIR_COLOURS[(u * KW + v) % len(PAIR_COLOURS)] for u in range(KH) for v in range(KW)}
    i, j = view["i"], view["j"]
    sum_text = " + ".join(f"{xv:.3g}&times;{kv:.3g}" for _, _, xv, kv in view["terms"])
    pad = f" (zero padding {view['padding']} shown grey)" if view["padding"] else ""
    return (f"<div style='{FONT};font-size:14px'>"
            f"<p style='margin:4px 0'>Forward: y[{i}, {j}] = &Sigma;<sub>u,v</sub> x[{i}&middot;{view['stride']} + u, "
            f"{j}&middot;{view['stride']} + v] k[u, v] = {sum_text} = <b>{view['value']:.4g}</b></p>"
            + _captioned(f"input x{pad}", grid_svg(view["x_padded"], window, offset=view["padding"], label="input"))
            + _captioned("kernel k", grid_svg(view["k"], kernel, label="kernel"))
            + _captioned("output y", grid_svg(view["y"], {(i, j): "#fdd49e"}, marks=[(i, j)], label="output"))
            + "</div>")


def conv_backward_html(view):
    """Backward mode: which deltas dy[i, j] and kernel entries k[u, v] reach input cell (r, c)."""
    dy_fill, k_fill = {}, {}
    for n, (i, j, u, v, _, _) in enumerate(view["terms"]):
        colour = PAIR_COLOURS[n % len(PAIR_COLOURS)]
        dy_fill[(i, j)], k_fill[(u, v)] = colour, colour
    r, c = view["r"], view["c"]
    sum_text = " + ".join(f"{d:.3g}&times;{kv:.3g}" for *_, d, kv in view["terms"]) or "nothing: no window covers it"
    return (f"<div style='{FONT};font-size:14px'>"
            f"<p style='margin:4px 0'>Backward: dx[{r}, {c}] = &Sigma; dy[i, j] k[u, v] over i&middot;{view['stride']} + u "
            f"&minus; {view['padding']} = {r}, j&middot;{view['stride']} + v &minus; {view['padding']} = {c}: "
            f"{sum_text} = <b>{view['value']:.4g}</b> (pairs share a colour)</p>"
            + _captioned("upstream delta dy", grid_svg(view["dy"], dy_fill, label="upstream delta"))
            + _captioned("kernel k", grid_svg(view["k"], k_fill, label="kernel"))
            + _captioned("input gradient dx", grid_svg(view["dx"], {(r, c): "#fdd49e"}, marks=[(r, c)], label="input gradient"))
            + "</div>")


def pool_html(view):
    """The pooling router: the window of output (i, j), where its gradient lands, and dx."""
    i, j, size, top, left = view["i"], view["j"], view["size"], view["top"], view["left"]
    OH, OW = view["y"].shape
    window = {rc: "#deebf7" for rc in view["window"]}
    routed = {(r, c): "#fdae6b" for r, c, _ in view["routes"]}
    what = ("all of it goes to the window's first maximum" if view["mode"] == "max"
            else f"each window cell gets dy / {view['size']}&sup2;")
    amounts = ", ".join(f"x[{r}, {c}] gets {a:.3g}" for r, c, a in view["routes"])
    return (f"<div style='{FONT};font-size:14px'>"
            f"<p style='margin:4px 0'><b>Output cell ({i}, {j})</b> of the {OH}&times;{OW} pooled output: "
            f"its window is rows {top} to {top + size - 1}, columns {left} to {left + size - 1} of x.</p>"
            f"<p style='margin:4px 0'>{view['mode']} pooling, window {size}&times;{size}, stride {view['stride']}: "
            f"dy[{i}, {j}] = {view['dy'][i, j]:.3g}; {what}: {amounts}.</p>"
            + _captioned("input x (window blue, receivers orange)", grid_svg(view["x"], {**window, **routed}, marks=view["window"], label="input"))
            + _captioned(f"pooled y ({view['mode']})", grid_svg(view["y"], {(i, j): "#fdd49e"}, marks=[(i, j)], label="pooled"))
            + _captioned("upstream dy", grid_svg(view["dy"], {(i, j): "#fdae6b"}, marks=[(i, j)], label="upstream"))
            + _captioned("dx (summed over all windows)", grid_svg(view["dx"], routed, label="input gradient"))
            + "</div>")
