"""A static stepper (Chapter 1 shows the first): pre-rendered HTML frames with prev/next
buttons and a few lines of JS.

It steps in the built HTML book with no kernel and no network. The container carries
`data-stepper` (and the class mdlib-stepper), its next button `data-step="next"`, and
each frame `data-frame="i"`; `data-current` is the frame shown. It is a group named by
its title (role, aria-label); its counter announces the frame (aria-live) and the arrow
keys step from a focused button.

Without its script it still reads well. JupyterLab sanitises an untrusted notebook's
outputs: no <script>, no inline <svg> (its text stays, run together), no data-*
attributes. So the first frame is shown, the others wait in a closed <details>, the
pictures are images (mdlib.ui.svg.svg_as_img), and the buttons, which would do nothing,
are made by the script. Where the script runs (the HTML book, a trusted notebook) it
unwraps the details, turns the images back into inline SVG, adds the buttons and shows
one frame at a time: only the frame shown is in the document (the others wait, detached,
for their turn), so a page of steppers stays light.

The HTML has no ids: the script finds its stepper as the element that holds it
(document.currentScript), so two outputs of one stepper step on their own even in one
document (JupyterLab puts every open notebook in one page), and the same stepper always
gives the same HTML, so committed notebook outputs stay stable.
"""
from html import escape

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
    var rest = root.querySelector(":scope > details[data-role=rest]");
    if (rest) {
      each(rest.querySelectorAll(":scope > [data-frame]"), function (f) {
        root.insertBefore(f, rest);
      });
      root.removeChild(rest);
    }
    each(root.querySelectorAll("img[data-svg]"), function (img) {
      var src = img.getAttribute("src");
      img.outerHTML = decodeURIComponent(src.slice(src.indexOf(",") + 1));
    });
    var frames = Array.prototype.slice.call(
      root.querySelectorAll(":scope > [data-frame]"));
    frames.slice(1).forEach(function (f) { root.removeChild(f); });
    var bar = root.querySelector(":scope > [data-role=bar]");
    bar.insertAdjacentHTML("beforeend", BAR);
    var counter = bar.querySelector("[data-role=counter]");
    function show(i) {
      i = (i + frames.length) % frames.length;
      var shown = root.querySelector(":scope > [data-frame]");
      if (shown !== frames[i]) { root.replaceChild(frames[i], shown); }
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


class Stepper:
    """Defined in Chapter 1. frames: list of HTML strings; captions: one plain-text
    caption per frame."""

    def __init__(self, frames, captions, title=""):
        if len(frames) == 0 or len(frames) != len(captions):
            raise ValueError(
                f"a stepper needs one caption per frame; got {len(frames)} frames "
                f"and {len(captions)} captions"
            )
        self.frames, self.captions, self.title = list(frames), list(captions), title

    def __repr__(self):
        return f"Stepper({self.title!r}, {len(self.frames)} frames)"

    def _repr_html_(self):
        frames = [
            f"<div data-frame='{i}'><p style='margin:4px 0;font-family:sans-serif'><b>"
            f"Step {i + 1}.</b> {escape(c)}</p>{svg_as_img(f)}</div>"
            for i, (f, c) in enumerate(zip(self.frames, self.captions))
        ]
        rest = ""
        if len(frames) > 1:
            rest = (
                "<details data-role='rest' style='margin-top:6px'>"
                "<summary style='font-family:sans-serif;cursor:pointer'>"
                f"Show the other {len(frames) - 1} steps (stepping one at a time needs "
                "JavaScript: in Jupyter, trust the notebook)</summary>"
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
            f"{frames[0]}{rest}{_SCRIPT}</div>"
        )
