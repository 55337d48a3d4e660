"""A static stepper: pre-rendered HTML frames with prev/next buttons and a few lines of JS.

It steps in the built HTML book with no kernel and no network. The container carries
`data-stepper`, its next button `data-step="next"`, and each frame `data-frame="i"`.
"""
import hashlib
from html import escape

_SCRIPT = """<script>(function () {
  var root = document.getElementById("%(id)s");
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var frames = root.querySelectorAll("[data-frame]");
  var counter = root.querySelector("[data-role=counter]");
  function show(i) {
    i = (i + frames.length) %% frames.length;
    for (var f = 0; f < frames.length; f++) { frames[f].hidden = (f !== i); }
    root.setAttribute("data-current", String(i));
    counter.textContent = (i + 1) + " / " + frames.length;
  }
  root.querySelector("[data-step=next]").addEventListener("click", function () {
    show(Number(root.getAttribute("data-current")) + 1); });
  root.querySelector("[data-step=prev]").addEventListener("click", function () {
    show(Number(root.getAttribute("data-current")) - 1); });
  show(0);
})();</script>"""


class Stepper:
    """frames: list of HTML strings; captions: one plain-text caption per frame."""

    def __init__(self, frames, captions, title=""):
        if len(frames) == 0 or len(frames) != len(captions):
            raise ValueError(f"a stepper needs one caption per frame; got {len(frames)} frames "
                             f"and {len(captions)} captions")
        self.frames, self.captions, self.title = list(frames), list(captions), title

    def __repr__(self):
        return f"Stepper({self.title!r}, {len(self.frames)} frames)"

    def _repr_html_(self):
        digest = hashlib.sha1("".join(self.frames + self.captions).encode()).hexdigest()[:12]
        uid = f"mdlib-stepper-{digest}"
        button = ("<button type='button' data-step='{0}' style='margin:0 4px;padding:2px 10px'>"
                  "{1}</button>")
        frames = "".join(
            f"<div data-frame='{i}'{'' if i == 0 else ' hidden'}>"
            f"<p style='margin:4px 0;font-family:sans-serif'><b>Step {i + 1}.</b> {escape(c)}</p>{f}</div>"
            for i, (f, c) in enumerate(zip(self.frames, self.captions))
        )
        title = f"<b style='font-family:sans-serif'>{escape(self.title)}</b> " if self.title else ""
        return (
            f"<div id='{uid}' class='mdlib-stepper' data-stepper data-current='0' "
            "style='border:1px solid #ccc;border-radius:6px;padding:8px;margin:8px 0'>"
            f"<div style='margin-bottom:6px'>{title}{button.format('prev', '&#9664; prev')}"
            f"<span data-role='counter' style='font-family:sans-serif'>1 / {len(self.frames)}</span>"
            f"{button.format('next', 'next &#9654;')}</div>{frames}</div>"
            + _SCRIPT % {"id": uid}
        )
