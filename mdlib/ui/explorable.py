"""An explorable (Chapter 1 shows the first): a live widget's controls and pictures with
no kernel.

Every state the HTML offers is rendered in Python, by the same pure view and drawing
functions as the live widget, and a few lines of JS switch between them: real controls
(a range slider, a menu, radio buttons), each with its label as accessible name,
operable from the keyboard (arrow keys), and a status line (aria-live) that announces
the state shown, visually hidden once the script has drawn the controls (they show the
state; where no script runs it is shown above the picture); the whole is a group
named by its title (role, aria-label). A stepper is the case of one control stepped in
order.

The set of states is finite: each control offers a list of (value, text) options (a text
field or a slider with hundreds of positions offers a few presets), and the states are
the combinations the picture function accepts (it raises ValueError for the others, e.g.
a neuron j beyond its layer's width). Controls are listed in order of dependence, as the
live widget's are (the widths before the layer l, l before the neuron j): a slider
ranges over the values that exist with the controls before it as they are, and a change
that leaves no state with the controls after it as they are shows the nearest state (the
fewest of them moved, then the least distance) and moves them there, as a live widget
clamps a slider whose maximum drops. So the controls always describe the picture.

Light: identical pictures are stored once, and every picture is stored as a list of
numbers into one table of HTML pieces (each piece a tag with the text after it), so what
pictures share (a diagram's lines, a grid's cells) is stored once. Only the picture
shown is in the document.

Without a script (an untrusted notebook, a reader with JS off) it still reads: the
initial state's picture (SVG as images: mdlib.ui.svg.svg_as_img), its state named to
screen readers; the controls are made by the script. The HTML has no ids (the script
finds its explorable from document.currentScript) and the same explorable gives the same
HTML, so notebook outputs stay stable.
"""
import itertools
import json
import re
from html import escape

from .palette import FRAME
from .svg import svg_as_img

KINDS = ("range", "menu", "radio")
"""range: a slider over ordered options; menu: a drop-down list; radio: a row of radio
buttons."""

_PIECE = re.compile(r"(?=<)")

# Kept free of the strings "data-stepper" and "data-frame": tools count steppers by
# them.
_SCRIPT = """<script>(function (me) {
  var made = 0, HIDDEN = "position:absolute;width:1px;height:1px;overflow:hidden;"
    + "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap";
  function setUp(root) {
    if (root.hasAttribute("data-ready")) { return; }
    root.setAttribute("data-ready", "");
    var D = JSON.parse(
      root.querySelector(":scope > script[type='application/json']").textContent);
    var view = root.querySelector(":scope > [data-role=view]");
    var status = root.querySelector(":scope > [data-role=status]");
    var bar = root.querySelector(":scope > [data-role=bar]");
    var note = root.querySelector(":scope > [data-role=fallback]");
    if (note) { root.removeChild(note); }
    // the controls show the state: the status line is announced, no longer drawn
    status.style.cssText = HIDDEN;
    var C = D.controls, S = D.states, cur = S[D.initial].slice(0, C.length), n = ++made;
    var inputs = C.map(function (c, ci) {
      var box = document.createElement(c.kind === "radio" ? "span" : "label");
      box.style.cssText = "display:inline-flex;flex-wrap:wrap;align-items:center;"
        + "gap:4px;font-family:sans-serif";
      var name = document.createElement("span");
      name.textContent = c.label;
      box.appendChild(name);
      var el;
      if (c.kind === "range") {
        el = document.createElement("input");
        el.type = "range"; el.min = 0; el.max = c.options.length - 1; el.step = 1;
        el.style.cssText = "width:min(200px,60vw)";
        box.appendChild(el);
        var out = document.createElement("output");
        out.style.minWidth = "3em";
        box.appendChild(out);
        el.addEventListener("input", function () { change(ci, Number(el.value)); });
      } else if (c.kind === "menu") {
        el = document.createElement("select");
        el.style.maxWidth = "100%";
        c.options.forEach(function (t, i) {
          var o = document.createElement("option");
          o.value = i; o.textContent = t; el.appendChild(o);
        });
        box.appendChild(el);
        el.addEventListener("change", function () { change(ci, Number(el.value)); });
      } else {
        el = box;
        box.setAttribute("role", "radiogroup");
        box.setAttribute("aria-label", c.label);
        c.options.forEach(function (t, i) {
          var l = document.createElement("label"), r = document.createElement("input");
          r.type = "radio"; r.name = "mdlib-explorable-" + n + "-" + ci; r.value = i;
          r.addEventListener("change", function () {
            if (r.checked) { change(ci, i); }
          });
          l.appendChild(r); l.appendChild(document.createTextNode(t));
          box.appendChild(l);
        });
      }
      bar.appendChild(box);
      return el;
    });
    function before(s, ci) {
      for (var d = 0; d < ci; d++) { if (s[d] !== cur[d]) { return false; } }
      return true;
    }
    function find(ci, v) {
      var best = null, score = null;
      S.forEach(function (s) {
        if (s[ci] !== v) { return; }
        var sc = [0, 0, 0];
        for (var d = 0; d < C.length; d++) {
          if (d !== ci && s[d] !== cur[d]) {
            sc[d < ci ? 0 : 1]++; sc[2] += Math.abs(s[d] - cur[d]);
          }
        }
        if (score === null || sc[0] < score[0]
            || (sc[0] === score[0] && (sc[1] < score[1]
                || (sc[1] === score[1] && sc[2] < score[2])))) { best = s; score = sc; }
      });
      return best;
    }
    var cache = {};
    function show(s) {
      cur = s.slice(0, C.length);
      var f = s[C.length];
      if (!(f in cache)) {
        cache[f] = D.frames[f].map(function (i) { return D.pieces[i]; }).join("");
      }
      view.innerHTML = cache[f];
      C.forEach(function (c, ci) {
        var el = inputs[ci];
        if (c.kind === "range") {
          var ok = S.filter(function (t) { return before(t, ci); })
            .map(function (t) { return t[ci]; });
          el.min = Math.min.apply(null, ok); el.max = Math.max.apply(null, ok);
          el.value = cur[ci];
          el.setAttribute("aria-valuetext", c.options[cur[ci]]);
          el.nextSibling.textContent = c.options[cur[ci]];
        } else if (c.kind === "menu") {
          el.value = cur[ci];
        } else {
          Array.prototype.forEach.call(el.querySelectorAll("input"), function (r) {
            r.checked = Number(r.value) === cur[ci];
          });
        }
      });
      status.textContent = C.map(function (c, ci) {
        return c.label + ": " + c.options[cur[ci]];
      }).join("; ");
      root.setAttribute("data-state", cur.join(","));
    }
    function change(ci, v) { var s = find(ci, v); if (s) { show(s); } }
    show(S[D.initial]);
  }
  var root = me && me.closest ? me.closest(".mdlib-explorable") : null;
  Array.prototype.slice.call(
    root ? [root] : document.querySelectorAll(".mdlib-explorable")).forEach(setUp);
})(document.currentScript);</script>"""


def json_for_script(data):
    """JSON that can sit inside a <script> element: no '</' and no '<!--' in it."""
    return (
        json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        .replace("</", "<\\/")
        .replace("<!--", "<\\u0021--")
    )


def piece_table(pictures):
    """Pictures (HTML strings) as (pieces, frames): pieces a table of HTML pieces (each
    a tag with the text after it), each stored once however many pictures hold it;
    frames one list of piece numbers per picture, "".join(pieces[i] for i in frame) its
    HTML. The explorables and mdlib.ui.stepper store their pictures so."""
    pieces, index, frames = [], {}, []
    for html in pictures:
        frame = []
        for piece in _PIECE.split(html):
            if piece:
                if piece not in index:
                    index[piece] = len(pieces)
                    pieces.append(piece)
                frame.append(index[piece])
        frames.append(frame)
    return pieces, frames


class Explorable:
    """Defined in Chapter 1. Controls over a finite set of pictures, switched with no
    kernel.

    controls: a list of (label, kind, options): kind one of KINDS, options a list of
    (value, text); picture(*values): the HTML of the picture for one value per control,
    raising ValueError for a combination it cannot show; initial: the values shown
    first. explorable.states maps each accepted combination of values to its picture's
    HTML.
    """

    def __init__(self, title, controls, picture, initial):
        self.title = title
        self.controls = [
            (label, kind, list(options)) for label, kind, options in controls
        ]
        for label, kind, options in self.controls:
            if kind not in KINDS or not options:
                raise ValueError(
                    f"control {label!r}: kind must be one of {KINDS} with options; "
                    f"got {kind!r} with {len(options)} options"
                )
        self.states = {}
        for combination in itertools.product(
            *(options for _, _, options in self.controls)
        ):
            values = tuple(v for v, _ in combination)
            try:
                self.states[values] = picture(*values)
            except ValueError:
                continue
        self.initial = tuple(initial)
        if self.initial not in self.states:
            raise ValueError(
                f"the initial values {self.initial} are not a state the picture accepts"
            )
        for i, (label, _, options) in enumerate(self.controls):
            unused = [
                t for v, t in options if not any(key[i] == v for key in self.states)
            ]
            if unused:
                raise ValueError(f"control {label!r}: options {unused} are in no state")

    def __repr__(self):
        return f"Explorable({self.title!r}, {len(self.states)} states)"

    def caption(self, values):
        """The state in words, as the status line announces it: 'l: 3; j: 2; k: 3'."""
        return "; ".join(f"{label}: {dict(options)[v]}"
                         for (label, _, options), v in zip(self.controls, values))

    def data(self):
        """What the script reads: controls, the pieces table, frames as piece numbers,
        states.

        A state is [option index per control..., frame number]; identical pictures share
        a frame.
        """
        pictures = list(dict.fromkeys(self.states.values()))
        pieces, frames = piece_table(pictures)
        frame_of = {html: i for i, html in enumerate(pictures)}
        states = [
            [
                [v for v, _ in options].index(value)
                for (_, _, options), value in zip(self.controls, values)
            ]
            + [frame_of[html]]
            for values, html in self.states.items()
        ]
        controls = [{"label": label, "kind": kind, "options": [t for _, t in options]}
                    for label, kind, options in self.controls]
        return {
            "controls": controls,
            "pieces": pieces,
            "frames": frames,
            "states": states,
            "initial": list(self.states).index(self.initial),
        }

    def _repr_html_(self):
        title = f"<b>{escape(self.title)}</b>" if self.title else ""
        n = len(self.states)
        return (
            "<div class='mdlib-explorable' role='group' "
            f"aria-label='{escape(self.title or 'explorable', quote=True)}' "
            f"style='position:relative;border:1px solid {FRAME};"
            "border-radius:6px;padding:8px;margin:8px 0'>"
            "<div data-role='bar' style='display:flex;flex-wrap:wrap;gap:6px 18px;"
            "align-items:center;margin-bottom:6px;font-family:sans-serif'>"
            f"{title}</div>"
            # the state in words: shown where no script runs (no controls there), and
            # for screen readers only once the script has drawn the controls
            "<div data-role='status' aria-live='polite' style='font-family:sans-serif;"
            f"font-size:13px'>{escape(self.caption(self.initial))}</div>"
            "<p data-role='fallback' style='font-family:sans-serif;font-size:13px;"
            f"margin:4px 0'>This picture is one of {n} that controls here switch "
            "between where JavaScript runs (the HTML book; in Jupyter, trust the "
            "notebook, or run it for the live widget).</p>"
            f"<div data-role='view'>{svg_as_img(self.states[self.initial])}</div>"
            f"<script type='application/json'>{json_for_script(self.data())}</script>"
            f"{_SCRIPT}</div>"
        )
