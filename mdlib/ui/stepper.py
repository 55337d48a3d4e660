"""A static stepper (Chapter 1 shows the first): pre-rendered HTML frames with prev/next
buttons and a few lines of JS.

It steps in the built HTML book with no kernel and no network. The container carries
`data-stepper` (and the class mdlib-stepper), its next button `data-step="next"`, and
each frame `data-frame="i"`; `data-current` is the frame shown. It is a group named by
its title (role, aria-label); its counter announces the frame (aria-live) and the arrow
keys step from a focused button.

Light: it is the one-control case of mdlib.ui.explorable and stores its pictures as the
explorables do (mdlib.ui.explorable.piece_table, in a <script type="application/json">):
every frame is a list of numbers into one table of HTML pieces, so what frames share (a
diagram's lines, a grid's cells) is stored once. In the HTML every frame is a
`data-frame` element holding its caption; only the first also holds its picture (as
images, for the reader with no script). The script builds a frame's picture from the
table when it is first shown (or printed: `root.mdlibFrames()` gives every frame
complete, for _ext/print_static/mdlib-print.js), and only the frame shown is in the
document (the others wait, detached, for their turn), so a page of steppers stays light.

Without its script it still reads. JupyterLab sanitises an untrusted notebook's
outputs: no <script>, no inline <svg> (its text stays, run together), no data-*
attributes. So the first frame is shown with its picture as images
(mdlib.ui.svg.svg_as_img), the other steps wait in a closed <details> in words (each its
caption and what its picture says, its sums and values: the picture's own lines of
text, or the stepper's `says`; the pictures need the script: in Jupyter, trust the
notebook),
and the buttons, which would do nothing, are made by the script. Where the script runs
(the HTML book, a trusted notebook) it unwraps the details, adds the buttons and shows
one frame at a time, its pictures inline SVG.

The HTML has no ids: the script finds its stepper as the element that holds it
(document.currentScript), so two outputs of one stepper step on their own even in one
document (JupyterLab puts every open notebook in one page), and the same stepper always
gives the same HTML, so committed notebook outputs stay stable.
"""
import re
from difflib import SequenceMatcher
from html import escape

from .explorable import json_for_script, piece_table
from .palette import FRAME
from .svg import svg_as_img

# Kept free of the string "data-stepper": tools count steppers by it in a notebook's
# outputs.
_SCRIPT = """<script>(function (me) {
  var PAD = " style='margin:0 4px;padding:2px 10px'";
  // The arrows are decoration: the buttons are named "prev" and "next".
  var BAR = "<button type='button' data-step='prev'" + PAD
    + "><span aria-hidden='true'>&#9664;</span> prev</button>"
    + "<span data-role='counter' aria-live='polite'"
    + " style='font-family:sans-serif'></span>"
    + "<button type='button' data-step='next'" + PAD
    + ">next <span aria-hidden='true'>&#9654;</span></button>";
  function each(list, f) { Array.prototype.slice.call(list).forEach(f); }
  function setUp(root) {
    if (root.hasAttribute("data-ready")) { return; }
    root.setAttribute("data-ready", "");
    var D = JSON.parse(
      root.querySelector(":scope > script[type='application/json']").textContent);
    var rest = root.querySelector(":scope > details[data-role=rest]");
    if (rest) {
      each(rest.querySelectorAll(":scope > [data-frame]"), function (f) {
        root.insertBefore(f, rest);
      });
      root.removeChild(rest);
    }
    var frames = Array.prototype.slice.call(
      root.querySelectorAll(":scope > [data-frame]"));
    frames.slice(1).forEach(function (f) { root.removeChild(f); });
    // D.frames: each frame's piece numbers as edits of the one before (stepper.edits).
    var seqs = [], prev = [];
    D.frames.forEach(function (ops) {
      var seq = [], at = 0;
      ops.forEach(function (x) {
        if (typeof x === "object") { at += x[0]; }
        else if (x < 0) { seq.push.apply(seq, prev.slice(at, at - x)); at -= x; }
        else { seq.push(x); }
      });
      seqs.push(seq);
      prev = seq;
    });
    var built = [];
    // Frame i complete: its caption, then its picture (inline SVG) from the table.
    function frame(i) {
      var f = frames[i];
      if (!built[i]) {
        built[i] = true;
        var caption = f.querySelector(":scope > p");
        f.textContent = "";
        f.appendChild(caption);
        f.insertAdjacentHTML("beforeend", seqs[i].map(function (k) {
          return D.pieces[k];
        }).join(""));
      }
      return f;
    }
    root.mdlibFrames = function () {
      return frames.map(function (f, i) { return frame(i); });
    };
    var bar = root.querySelector(":scope > [data-role=bar]");
    bar.insertAdjacentHTML("beforeend", BAR);
    var counter = bar.querySelector("[data-role=counter]");
    function show(i) {
      i = (i + frames.length) % frames.length;
      var shown = root.querySelector(":scope > [data-frame]");
      if (shown !== frame(i)) { root.replaceChild(frames[i], shown); }
      for (var f = 0; f < frames.length; f++) { frames[f].hidden = (f !== i); }
      root.setAttribute("data-current", String(i));
      counter.textContent = (i + 1) + " / " + frames.length;
    }
    function step(d) {
      return function () { show(Number(root.getAttribute("data-current")) + d); };
    }
    bar.querySelector("[data-step=prev]").addEventListener("click", step(-1));
    bar.querySelector("[data-step=next]").addEventListener("click", step(1));
    root.addEventListener("keydown", function (e) {
      var d = {ArrowRight: 1, ArrowLeft: -1}[e.key];
      if (d && e.target.tagName === "BUTTON") { e.preventDefault(); step(d)(); }
    });
    show(0);
  }
  var root = me && me.closest ? me.closest(".mdlib-stepper") : null;
  each(root ? [root] : document.querySelectorAll(".mdlib-stepper"), setUp);
})(document.currentScript);</script>"""


def edits(before, after):
    """The list of numbers `after` as edits of `before`, for a frame that differs from
    the one before in a few pieces: n >= 0 is the number n; -k copies the next k
    numbers of `before`; [k] skips k numbers of `before`. Defined in Chapter 1, with
    Stepper."""
    ops, at = [], 0
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            if i1 > at:
                ops.append([i1 - at])
            ops.append(-(i2 - i1))
            at = i2
        else:
            ops.extend(after[j1:j2])
    return ops


def frames_of(data):
    """The frames' HTML from a stepper's data() (as its script rebuilds them).
    Defined in Chapter 1, with Stepper."""
    frames, before = [], []
    for ops in data["frames"]:
        after, at = [], 0
        for x in ops:
            if isinstance(x, list):
                at += x[0]
            elif x < 0:
                after += before[at:at - x]
                at -= x
            else:
                after.append(x)
        frames.append("".join(data["pieces"][k] for k in after))
        before = after
    return frames


_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)


def paragraphs(frame):
    """The lines of text of a frame's picture (its <p> elements: mdlib.ui.svg.para),
    as HTML, one <p> each: what the picture says in words. Defined in Chapter 1, with
    Stepper."""
    return "".join(f"<p style='margin:2px 0'>{m.group(1)}</p>"
                   for m in _PARAGRAPH.finditer(frame) if m.group(1).strip())


class Stepper:
    """Defined in Chapter 1. frames: list of HTML strings; captions: one plain-text
    caption per frame; says: what each frame's picture says, as HTML, for the reader
    with no script (by default its lines of text: paragraphs(frame))."""

    def __init__(self, frames, captions, title="", says=None):
        if len(frames) == 0 or len(frames) != len(captions):
            raise ValueError(
                f"a stepper needs one caption per frame; got {len(frames)} frames "
                f"and {len(captions)} captions"
            )
        if says is not None and len(says) != len(frames):
            raise ValueError(f"a stepper needs one says per frame; got {len(frames)} "
                             f"frames and {len(says)} says")
        self.frames, self.captions, self.title = list(frames), list(captions), title
        self.says = list(says) if says is not None else [paragraphs(f) for f in frames]

    def __repr__(self):
        return f"Stepper({self.title!r}, {len(self.frames)} frames)"

    def data(self):
        """What the script reads: {"pieces": the table of HTML pieces
        (mdlib.ui.explorable.piece_table), "frames": each frame's piece numbers as edits
        of the frame before (edits())}; frames_of(data) gives the frames back."""
        pieces, frames = piece_table(self.frames)
        return {
            "pieces": pieces,
            "frames": [edits(a, b) for a, b in zip([[]] + frames, frames)],
        }

    def _repr_html_(self):
        # The first frame shows its picture; the others, in the details, say in words
        # what theirs shows (the script drops these words when it builds a picture).
        says = ("<div data-role='says' style='margin:0 0 6px 1.5em;"
                "font-family:sans-serif;font-size:14px'>{}</div>").format
        frames = [
            f"<div data-frame='{i}'><p style='margin:4px 0;font-family:sans-serif'><b>"
            f"Step {i + 1}.</b> {escape(c)}</p>"
            + (svg_as_img(f) if i == 0 else says(w) if w else "") + "</div>"
            for i, (f, c, w) in enumerate(zip(self.frames, self.captions, self.says))
        ]
        rest = ""
        if len(frames) > 1:
            rest = (
                "<details data-role='rest' style='margin-top:6px'>"
                "<summary style='font-family:sans-serif;cursor:pointer'>"
                f"The other {len(frames) - 1} steps in words (their pictures show "
                "where JavaScript runs: in Jupyter, trust the notebook)</summary>"
                + "".join(frames[1:])
                + "</details>"
            )
        title = (
            f"<b style='font-family:sans-serif'>{escape(self.title)}</b> "
            if self.title
            else ""
        )
        return (
            "<div class='mdlib-stepper' data-stepper data-current='0' role='group' "
            f"aria-label='{escape(self.title or 'stepper', quote=True)}' "
            f"style='border:1px solid {FRAME};border-radius:6px;padding:8px;margin:8px "
            f"0'><div data-role='bar' style='margin-bottom:6px'>{title}</div>"
            f"{frames[0]}{rest}<script type='application/json'>"
            f"{json_for_script(self.data())}</script>{_SCRIPT}</div>"
        )
