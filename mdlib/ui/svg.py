"""Drawing primitives every chapter's pictures share: labels, grids, heatmaps, captions,
and the two wrappers a picture may need (svg_as_img for a static stepper, stale_html for
a live widget whose controls no longer describe it). Self-contained HTML and inline SVG,
no scripts.

The same HTML is the value of a live ipywidgets.HTML and a frame of a static stepper, so
the book shows exactly what the live widget shows, with no kernel and no network. A
stepper ships its SVG as images (svg_as_img) that its script turns back into inline SVG:
an untrusted notebook's sanitiser keeps images but strips inline SVG.
"""
import math
import re
import urllib.parse
from html import escape, unescape

import numpy as np

from . import palette as P

FONT = "font-family:sans-serif"
_SVG_HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} '
    '{h}" role="img" aria-label="{label}">'
)


def svg_open(width, height, label):
    """Defined in Chapter 1. The opening <svg> tag of every diagram: its size and its
    accessible name."""
    return _SVG_HEAD.format(w=width, h=height, label=escape(label))


def sub_sup(symbol, sup=None, sub=None):
    """Defined in Chapter 1. HTML for a symbol with a superscript and a subscript, e.g.
    w<sup>3</sup><sub>23</sub>."""
    html = f"<i>{escape(symbol)}</i>"
    if sup is not None:
        html += f"<sup>{escape(str(sup))}</sup>"
    if sub is not None:
        html += f"<sub>{escape(str(sub))}</sub>"
    return html


def shape_text(shape):
    """Defined in Chapter 1. '(rows, cols)' for a shape, a dash for None (the input
    layer has no W)."""
    return "&mdash;" if shape is None else escape(f"({shape[0]}, {shape[1]})")


_SUPERSCRIPT = dict(zip("0123456789+-=()Tlijkn", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵀˡⁱʲᵏⁿ"))
_SUPERSCRIPT.update({"\u2212": "⁻", "L": "ᴸ"})
_SUBSCRIPT = dict(zip("0123456789+-=()aeijklmnorstuvx",
                      "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒᵣₛₜᵤᵥₓ"))
_SUBSCRIPT["\u2212"] = "₋"


def _scripted(text, table, name):
    if not all(c in table for c in text):
        raise ValueError(f"{name}: no Unicode {name} for {text!r}")
    return "".join(table[c] for c in text)


def sup_text(text):
    """Defined in Chapter 1. Text as Unicode superscripts, for plain-text labels
    (captions, alt text): sup_text("l+1") -> "ˡ⁺¹". Raises ValueError for a character
    Unicode has no superscript of."""
    return _scripted(str(text), _SUPERSCRIPT, "superscript")


def sub_text(text):
    """Defined in Chapter 1. Text as Unicode subscripts: sub_text("23") -> "₂₃"."""
    return _scripted(str(text), _SUBSCRIPT, "subscript")


_SCRIPTS = re.compile(r"<(sup|sub)>(.*?)</\1>", re.S)


def plain_text(html):
    """Defined in Chapter 2. Readable plain text of a small HTML label, typeset as the
    page is: <sup>3</sup> -> ³, <sub>jk</sub> -> ⱼₖ, &delta; -> δ (for alt text and
    accessible names)."""
    def script(match):
        inner = unescape(re.sub(r"<[^>]*>", "", match.group(2)))
        return sup_text(inner) if match.group(1) == "sup" else sub_text(inner)
    return unescape(re.sub(r"<[^>]*>", "", _SCRIPTS.sub(script, html)))


def symbol(text, align=""):
    """Defined in Chapter 2. An operator between two pictures (=, +, a dot, a circled
    dot), set large."""
    return f"<span style='font-size:18px;margin:0 2px{align}'>{text}</span>"


_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)
_SVG_ATTR = re.compile(
    r"""(?<![-\w])(width|height|aria-label)=(?:"([^"]*)"|'([^']*)')"""
)
# Percent-encode only what a data: URL in a single-quoted attribute needs (#, %, &, ',
# controls, non-ASCII): the image costs a few percent more than the inline SVG, not a
# third more as base64.
_URL_SAFE = " !\"$()*+,-./:;<=>?@[]^_`{|}~"


def svg_as_img(html):
    """Defined in Chapter 1. Every inline <svg> of html as an <img data-svg> whose src
    is the SVG as a data: URL.

    Its alt is the SVG's aria-label; width and height are kept. An untrusted notebook's
    sanitiser keeps such images (it strips inline SVG and runs its text together);
    mdlib.ui.stepper's script turns them back into the inline SVG (hover titles,
    selectable text) where scripts run.
    """
    def image(match):
        svg = match.group(0)
        head = svg[:svg.index(">")]
        attrs = {
            m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _SVG_ATTR.finditer(head)
        }
        size = "".join(
            f" {k}='{escape(attrs[k])}'" for k in ("width", "height") if k in attrs
        )
        alt = escape(unescape(attrs.get("aria-label", "diagram")))
        src = "data:image/svg+xml," + urllib.parse.quote(svg, safe=_URL_SAFE)
        return f"<img data-svg alt='{alt}'{size} src='{src}'>"
    return _SVG.sub(image, html)


def stale_html(picture_html, note_html):
    """Defined in Chapter 1. A picture that no longer matches the controls: greyed out,
    under a note saying why."""
    return (
        f"<div data-stale style='{FONT};font-size:14px'>"
        f"<p style='margin:4px 0;color:{P.HIGHLIGHT}'><b>Not redrawn.</b> {note_html}"
        "</p><div style='opacity:0.3;filter:grayscale(1)' aria-hidden='true'>"
        f"{picture_html}</div></div>"
    )


def matrix_svg(rows, cols, cell, label, cell_size=26):
    """Defined in Chapter 1. A rows x cols grid with the 1-based cell (row, col) filled
    red; row and column numbers."""
    w, h = 30 + cols * cell_size, 30 + rows * cell_size
    parts = [svg_open(w, h, label)]
    for c in range(cols):
        parts.append(
            f'<text x="{30 + (c + 0.5) * cell_size:.1f}" y="18" font-size="11" '
            f'text-anchor="middle" style="{FONT}">{c + 1}</text>'
        )
    for r in range(rows):
        y = 30 + r * cell_size
        parts.append(f'<text x="15" y="{y + cell_size * 0.65:.1f}" font-size="11" '
                     f'text-anchor="middle" style="{FONT}">{r + 1}</text>')
        for c in range(cols):
            fill = P.HIGHLIGHT if (r + 1, c + 1) == tuple(cell) else P.PAPER
            parts.append(f'<rect x="{30 + c * cell_size}" y="{y}" width="{cell_size}" '
                         f'height="{cell_size}" fill="{fill}" stroke="{P.GRID_LINE}"/>')
    parts.append("</svg>")
    return "".join(parts)


def cell_colour(value, vmax):
    """Defined in Chapter 2. Diverging colour: white at 0, red for positive, blue for
    negative, full at |value| = vmax."""
    t = 0.0 if vmax == 0 else max(-1.0, min(1.0, value / vmax))
    end = P.rgb(P.HIGHLIGHT if t > 0 else P.NEGATIVE)
    t = abs(t)
    return "#%02x%02x%02x" % tuple(round(255 + (c - 255) * t) for c in end)


HEATMAP_FONT = 12
"""The heatmaps' numbers, in px (SVG user units, drawn 1:1)."""


MINUS = "\u2212"
"""The minus sign of every number a reader sees (U+2212, not the hyphen-minus)."""


def number(v, spec=".3g"):
    """Defined in Chapter 2. A number as the pictures print it: formatted by spec,
    with MINUS for the hyphen-minus (-2 -> \u22122, 1e-05 -> 1e\u221205) and no sign on
    a zero (-0 -> 0)."""
    text = format(float(v), spec)
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", MINUS)


def factor(v, spec=".3g"):
    """Defined in Chapter 4. number(v, spec), in parentheses when negative: a factor
    of a printed product, 0.25 \u00d7 (\u22122)."""
    text = number(v, spec)
    return f"({text})" if text.startswith(MINUS) else text


def _short(v):
    """A heatmap's number: 2 significant digits, a typographic minus."""
    return number(v, ".2g")


def _number_width(text):
    """A generous width of a heatmap's number in px: 0.64 em a digit or minus sign, 0.32
    em a point."""
    return sum(0.32 if ch == "." else 0.64 for ch in text) * HEATMAP_FONT


def heatmap_svg(M, cell=30, show_values=True, label="matrix"):
    """Defined in Chapter 2. A matrix as coloured cells (colour scaled to its own
    largest |entry|), values printed.

    cell: the cells' height, and their least width: printed values widen the columns
    to the widest number (-0.00085 needs 8 characters)."""
    M = np.atleast_2d(np.asarray(M, dtype=float))
    rows, cols = M.shape
    vmax = float(np.abs(M).max()) if M.size else 0.0
    texts = [[_short(v) for v in row] for row in M]
    wide = show_values and cell >= 20
    w = max([cell] + [math.ceil(_number_width(t) + 8) for row in texts for t in row
                      if wide])
    # What every cell shares is said once, on a group.
    parts = [svg_open(cols * w + 1, rows * cell + 1, label),
             f'<g stroke="{P.HEATMAP_LINE}" stroke-width="0.5">']
    for r in range(rows):
        for c in range(cols):
            v = M[r, c]
            parts.append(
                f'<rect x="{c * w}" y="{r * cell}" width="{w}" height="{cell}" '
                f'fill="{cell_colour(v, vmax)}"><title>{number(v, ".4g")}</title>'
                "</rect>"
            )
    parts.append("</g>")
    if wide:
        # 12 px numbers (WCAG's 4.5:1 and at least 11 px as rendered: the SVG is drawn
        # at its own size), black or white, whichever contrasts more with the cell.
        parts.append(f'<g font-size="{HEATMAP_FONT}" text-anchor="middle" '
                     f'style="{FONT}">')
        parts += [
            f'<text x="{c * w + w / 2:.1f}" y="{r * cell + cell * 0.5 + 4:.1f}" '
            f'fill="{P.ink_on(cell_colour(M[r, c], vmax))}">{texts[r][c]}</text>'
            for r in range(rows)
            for c in range(cols)
        ]
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def labelled_matrix(label_html, M, cell=40):
    """Defined in Chapter 2. A heatmap with its name above and its shape below."""
    shape = np.shape(M)
    return (
        "<div style='display:inline-block;text-align:center;vertical-align:middle;"
        f"margin:0 4px'><div style='font-size:13px'>{label_html}</div>"
        f"""{heatmap_svg(M, cell,
                         label=f'{plain_text(label_html)}, shape {tuple(shape)}')}"""
        f"<div style='font-size:11px;color:{P.GRID_LINE}'>{escape(str(tuple(shape)))}"
        "</div></div>"
    )


def grid_svg(M, fills=None, marks=(), cell=38, spec=".3g", offset=0, label=""):
    """Defined in Chapter 4. A small matrix with its values (number(v, spec)); fills:
    {(r, c): colour}; marks: cells outlined in red; offset: rows/columns of zero padding
    drawn grey; label: the accessible name (the alt text once an image)."""
    M = np.asarray(M)
    rows, cols = M.shape
    fills = fills or {}
    # What every cell shares is said once, on a group: a page of steppers is hundreds of
    # grids.
    pads = {
        (r, c): bool(
            offset
            and (r < offset or c < offset or r >= rows - offset or c >= cols - offset)
        )
        for r in range(rows)
        for c in range(cols)
    }
    # One paper rectangle, a rectangle for each coloured cell, the grid lines as one
    # path.
    parts = [
        svg_open(cols * cell + 2, rows * cell + 2, label),
        f'<rect x="1" y="1" width="{cols * cell}" height="{rows * cell}" '
        f'fill="{P.PAPER}"/>',
    ]
    for (r, c), pad in pads.items():
        fill = fills.get((r, c), P.PADDING if pad else P.PAPER)
        if fill != P.PAPER:
            parts.append(
                f'<rect x="{1 + c * cell}" y="{1 + r * cell}" width="{cell}" '
                f'height="{cell}" fill="{fill}"/>'
            )
    lines = "".join(f"M1 {1 + r * cell}h{cols * cell}" for r in range(rows + 1))
    lines += "".join(f"M{1 + c * cell} 1v{rows * cell}" for c in range(cols + 1))
    parts.append(f'<path d="{lines}" stroke="{P.CELL_LINE}" fill="none"/>')
    parts.append(
        f'<g font-size="11" text-anchor="middle" style="{FONT}" fill="{P.TEXT}">'
    )
    for (r, c), pad in pads.items():
        ink = P.ink_on(fills.get((r, c), P.PADDING if pad else P.PAPER), muted=pad)
        colour = f' fill="{ink}"' if ink != P.TEXT else ""
        parts.append(
            f'<text x="{1 + c * cell + cell / 2:.1f}" '
            f'y="{1 + r * cell + cell * 0.6:.1f}"{colour}>'
            f"{number(M[r, c], spec)}</text>"
        )
    parts.append("</g>")
    for r, c in marks:
        parts.append(
            f'<rect x="{1 + c * cell + 1.5}" y="{1 + r * cell + 1.5}" '
            f'width="{cell - 3}" height="{cell - 3}" '
            f'fill="none" stroke="{P.HIGHLIGHT}" stroke-width="3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def captioned(title, svg):
    """Defined in Chapter 4. A picture with its title above, laid out in a row with
    others."""
    return (
        "<div style='display:inline-block;vertical-align:top;text-align:center;"
        "margin:0 10px 6px 0'>"
        f"<div style='font-size:13px;margin-bottom:2px'>{title}</div>{svg}</div>"
    )


def panel(*paragraphs_and_pictures):
    """Defined in Chapter 1. The frame of every widget's picture: sans-serif text at
    14px."""
    return (
        f"<div style='{FONT};font-size:14px'>"
        + "".join(paragraphs_and_pictures)
        + "</div>"
    )


def para(html, margin="4px 0"):
    """Defined in Chapter 1. One line of a picture's caption."""
    return f"<p style='margin:{margin}'>{html}</p>"
