"""The static steppers: every output steps on its own, and an untrusted notebook still reads well.

JupyterLab sanitises the HTML of an untrusted notebook: no <script>, no <svg> (its text stays, run
together), no data-* attributes, no empty `hidden`. The stepper must then show its first frame with
its pictures as images, and the other steps' captions collapsed. Its frames are stored light, as
edits of one table of pieces, and rebuild exactly. The tests below check the HTML in Python (with a small
model of that sanitiser) and, where Debian's chromium and Playwright are installed, in a browser:
as the HTML book runs it (inline), as trusted JupyterLab runs it (inserted, scripts re-created) and
untrusted (sanitised, no JavaScript).
"""
import base64
import json
import random
import re
import shutil
import urllib.parse
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser

import pytest

from mdlib.ui.backprop import backprop_stepper, worked_example_stepper
from mdlib.ui.convolution import (POOL_EXAMPLE, WORKED_EXAMPLE, conv_stepper, full_conv_stepper,
                                  pixel_dense_stepper, pool_stepper)
from mdlib.ui.notation import notation_stepper
from mdlib.ui.shapes import shape_explorer_stepper
from mdlib.ui.stepper import Stepper, edits, frames_of
from mdlib.ui.svg import number

SVG_NS = "{http://www.w3.org/2000/svg}"


# --- a small model of JupyterLab's sanitiser (its allowed tags; attributes it keeps) --------------

ALLOWED_TAGS = set("""a abbr acronym address area article aside audio b bdi bdo big blockquote br button canvas
caption center cite code col colgroup colspan command data datalist dd del details dfn dir div dl dt em
fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hgroup hr i img input ins kbd label
legend li map mark menu meter nav nobr ol optgroup option output p pre progress q rowspan s samp section
select small source span strike strong sub summary sup table tbody td textarea tfoot th thead time tr
track tt u ul var video wbr""".split())
DROP_WITH_CONTENT = {"script", "style", "textarea", "option", "noscript"}
KEPT_ATTRIBUTES = {"*": {"class", "dir", "lang", "style", "title"}, "img": {"src", "alt", "width", "height"},
                   "button": {"type"}}
VOID = {"img", "br", "hr", "input", "wbr", "col", "source", "track", "area"}


class Sanitiser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out, self.dropping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP_WITH_CONTENT:
            self.dropping += 1
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        keep = KEPT_ATTRIBUTES["*"] | KEPT_ATTRIBUTES.get(tag, set())
        kept = "".join(f' {k}="{escape(v)}"' for k, v in attrs if k in keep and v)
        self.out.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag):
        if tag in DROP_WITH_CONTENT:
            self.dropping -= 1
        elif not self.dropping and tag in ALLOWED_TAGS and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def sanitise(html):
    s = Sanitiser()
    s.feed(html)
    s.close()
    return "".join(s.out)


class Reader(HTMLParser):
    """What a reader sees of static HTML with no script: text and images outside closed <details>
    (a closed details shows only its summary) and outside elements marked hidden."""

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.images, self.summaries = [], [], [], []

    def _shown(self):
        for i, (tag, attrs, _) in enumerate(self.stack):
            if "hidden" in attrs:
                return False
            if tag == "details" and "open" not in attrs:
                inside_summary = any(t == "summary" for t, _, _ in self.stack[i + 1:])
                if not inside_summary:
                    return False
        return True

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in VOID:
            if tag == "img" and self._shown():
                self.images.append(attrs)
            return
        self.stack.append((tag, attrs, len(self.text)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            t, attrs, start = self.stack.pop()
            if t == tag:
                if t == "summary":
                    self.summaries.append("".join(self.text[start:]))
                break

    def handle_data(self, data):
        if self._shown():
            self.text.append(data)


def read(html):
    r = Reader()
    r.feed(html)
    r.close()
    return " ".join("".join(r.text).split()), r.images, r.summaries


def decode_svg(src):
    head, _, body = src.partition(",")
    assert head.startswith("data:image/svg+xml"), head
    data = base64.b64decode(body).decode() if head.endswith(";base64") else urllib.parse.unquote(body)
    return ET.fromstring(data)  # a standalone image must be well-formed XML


# --- the HTML, checked in Python --------------------------------------------------------------------

def data_of(html):
    """The stepper's data, read from the HTML as its script reads it."""
    found = re.findall(r"<script type='application/json'>(.*?)</script>", html, re.S)
    assert len(found) == 1, len(found)
    return json.loads(found[0])


def test_two_outputs_of_the_same_stepper_share_no_ids():
    s = conv_stepper()
    html = s._repr_html_() + s._repr_html_() + conv_stepper()._repr_html_()
    ids = re.findall(r"""\bid\s*=\s*["']?([^"'\s>]+)""", html)
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in set(ids) if ids.count(i) > 1)}"
    # the output is the same for the same stepper, so committed notebooks stay stable
    assert s._repr_html_() == conv_stepper()._repr_html_()


@pytest.mark.parametrize("make", [notation_stepper, backprop_stepper, shape_explorer_stepper, conv_stepper,
                                  lambda: conv_stepper("4x4 input, 3x3 kernel, stride 2, padding 1"), pool_stepper])
def test_untrusted_stepper_shows_the_first_frame_and_collapses_the_rest(make):
    s = make()
    text, images, summaries = read(sanitise(s._repr_html_()))
    assert "Step 1." in text and "Step 2." not in text
    assert s.captions[0] in text and not any(c in text for c in s.captions[1:] if c not in s.captions[0])
    assert len(summaries) == 1 and f"{len(s.frames) - 1}" in summaries[0] and "trust" in summaries[0]
    assert "<button" not in sanitise(s._repr_html_())     # no buttons that cannot work here
    # every step's caption is still there, in order, to read once the reader opens the details
    opened = sanitise(s._repr_html_()).replace("<details", "<details open")
    text_all, images_all, _ = read(opened)
    positions = [text_all.find(f"Step {i + 1}. {c}") for i, c in enumerate(s.captions)]
    assert -1 not in positions and positions == sorted(positions)
    # the first frame's pictures are images (the sanitiser strips inline SVG and runs its text
    # together); the other frames' pictures are built by the script (from the pieces table)
    assert images and images_all == images
    for img in images_all:
        svg = decode_svg(img["src"])
        assert svg.tag == SVG_NS + "svg" and img.get("alt")


NUMBER = re.compile(r"−?\d+(?:\.\d+)?")


def _words(html):
    """The text of some HTML as read(): tags dropped, entities decoded, spaces collapsed."""
    return read(f"<div>{html}</div>")[0]


@pytest.mark.parametrize("make", [
    conv_stepper, lambda: conv_stepper("4x4 input, 3x3 kernel, stride 2, padding 1"),
    pool_stepper, full_conv_stepper, lambda: full_conv_stepper("stride 2: 5x5 input, 3x3 kernel"),
    pixel_dense_stepper, worked_example_stepper, shape_explorer_stepper, notation_stepper])
def test_untrusted_steps_say_the_sums_and_values_their_pictures_show(make):
    """With no script the steps after the first are words: each carries what its picture says
    (a convolution's sum and value, a pooled cell's amounts, the worked example's arithmetic, the
    explorer's shapes), not only its caption."""
    s = make()
    text, _, _ = read(sanitise(s._repr_html_()).replace("<details", "<details open"))
    for i in range(1, len(s.frames)):
        start = text.find(f"Step {i + 1}. ")
        end = text.find(f"Step {i + 2}. ") if i + 1 < len(s.frames) else len(text)
        step = text[start:end]
        lines = "".join(re.findall(r"<p\b.*?</p>", s.frames[i], re.S))
        said = _words(lines)
        if make is shape_explorer_stepper:         # its lines are a legend; it says its shapes
            said = " ".join(re.findall(r"\(\d+, \d+\)", _words(s.frames[i])))
        numbers = NUMBER.findall(said)
        assert numbers, f"frame {i + 1} of {s.title!r} shows no number to say"
        missing = [n for n in numbers if n not in step]
        assert not missing, f"step {i + 1} of {s.title!r} does not say {missing}: {step[:300]}"
        assert said in step or make is shape_explorer_stepper, (said, step)


def test_untrusted_stepper_drops_no_svg_text_into_the_page():
    s = conv_stepper()
    text, _, _ = read(sanitise(s._repr_html_()))
    # inline SVG would leave the first frame's input grid as a run of numbers ("123456789" or "1 2 ... 9")
    run = r"\s*".join(re.escape(number(v)) for v in WORKED_EXAMPLE["x"].ravel())
    assert not re.search(run, text), text


def test_stepper_pictures_keep_their_values():
    s = pool_stepper()
    svg = decode_svg(read(s._repr_html_())[1][0]["src"])
    numbers = [t.text for t in svg.iter(SVG_NS + "text")]
    first_row = POOL_EXAMPLE["x"][0]
    assert numbers[:len(first_row)] == [number(v) for v in first_row]   # the first row of the pooling input x


@pytest.mark.parametrize("make", [notation_stepper, backprop_stepper, shape_explorer_stepper, conv_stepper,
                                  pool_stepper])
def test_every_frame_rebuilds_exactly_from_the_html(make):
    s = make()
    html = s._repr_html_()
    d = data_of(html)
    assert frames_of(d) == s.frames
    # what frames share is stored once: the book's steppers weigh 22% to 77% of their frames'
    # HTML one after another (measured: 55%, 77%, 69%, 51%, 32%; the images of the first frame
    # included), where every frame as an image weighed more than all of them
    assert len(html) < 0.8 * sum(map(len, s.frames)), (len(html), sum(map(len, s.frames)))
    assert "data-stepper" not in json.dumps(d) and "data-frame" not in json.dumps(d)


def big_diagram(highlight):
    """A 10x10 grid of numbered cells (about 11 kB of SVG), one cell highlighted."""
    cells = "".join(
        f'<rect x="{20 * c}" y="{20 * r}" width="20" height="20" '
        f'fill="{"#fdae6b" if (r, c) == highlight else "#deebf7"}" stroke="#666"/>'
        f'<text x="{20 * c + 10}" y="{20 * r + 14}" text-anchor="middle">{r * 10 + c}</text>'
        for r in range(10) for c in range(10))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200" '
            f'role="img" aria-label="grid">{cells}</svg>')


def test_frames_sharing_one_big_svg_are_stored_once():
    frames = [big_diagram((i, i)) for i in range(10)]
    s = Stepper(frames, [f"cell ({i}, {i})" for i in range(10)], title="grid")
    html = s._repr_html_()
    one = len(frames[0])
    assert one > 10_000
    assert frames_of(data_of(html)) == frames
    # ten frames that differ in two cells each: the first frame's images, one table of pieces
    # (its quotes escaped in JSON), a few numbers per frame after the first, the script (3.5 kB):
    # measured 2.74 frames. Every frame an image (the old encoding) weighed more than ten frames.
    assert len(html) < 3 * one, (len(html), one)
    d = data_of(html)
    assert all(len(json.dumps(ops)) < 40 for ops in d["frames"][1:]), d["frames"][1:]
    assert d["pieces"].count("</svg>") == 1


def test_edits_rebuild_every_sequence():
    rng = random.Random(0)
    sequences = [[]] + [[rng.randrange(8) for _ in range(rng.randrange(12))] for _ in range(300)]
    for before, after in zip(sequences, sequences[1:]):
        ops = edits(before, after)
        pieces = [str(k) for k in range(8)]
        frames = frames_of({"pieces": pieces, "frames": [edits([], before), ops]})
        assert frames == ["".join(map(str, before)), "".join(map(str, after))]
    # a frame that changes one piece of a hundred: copy, the new piece, skip one, copy
    before = list(range(100))
    assert edits(before, before[:40] + [100] + before[41:]) == [-40, 100, [1], -59]
    assert edits([], [3, 4]) == [3, 4]


def test_stepper_structure():
    html = Stepper(["<p>a</p>", "<p>b</p>"], ["one", "two <&>"], title="T")._repr_html_()
    # one [data-stepper] (class mdlib-stepper) holding one data-frame per frame; the script names neither
    assert html.count("data-stepper") == 1 and "class='mdlib-stepper'" in html and "data-current='0'" in html
    assert html.count("data-frame=") == 2 and "<details data-role='rest'" in html
    script = html[html.index("<script"):]
    assert "data-stepper" not in script and "data-step='next'" in script   # the buttons are the script's
    assert "two &lt;&amp;&gt;" in html                 # captions are escaped
    assert html.count("<script") == 2 and html.count("<script type='application/json'>") == 1
    assert data_of(html) == {"pieces": ["<p>a", "</p>", "<p>b"], "frames": [[0, 1], [2, [1], -1]]}
    # a named group; the buttons' arrows are hidden from screen readers: named "prev", "next"
    assert "role='group' aria-label='T'" in html
    assert "<span aria-hidden='true'>&#9664;</span> prev</button>" in script
    assert "next <span aria-hidden='true'>&#9654;</span></button>" in script
    untitled = Stepper(["<p>a</p>"], ["one"])._repr_html_()
    assert "role='group' aria-label='stepper'" in untitled
    quoted = Stepper(["<p>a</p>"], ["one"], title="it's <x>")._repr_html_()
    assert "aria-label='it&#x27;s &lt;x&gt;'" in quoted


def test_stepper_of_one_frame_has_nothing_to_collapse():
    html = Stepper(["<p>a</p>"], ["one"])._repr_html_()
    assert "<details" not in html and html.count("data-frame=") == 1


def test_stepper_rejects_mismatched_captions():
    with pytest.raises(ValueError, match="2 frames and 1 captions"):
        Stepper(["a", "b"], ["one"])


# --- the HTML, run in a browser ---------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


VISIBLE = ("el => ({current: el.getAttribute('data-current'), frames: Array.from(el.querySelectorAll('[data-frame]'))"
           ".filter(f => !f.hidden && f.offsetParent !== null).map(f => f.dataset.frame)})")

# What JupyterLab does with a trusted HTML output: set innerHTML (scripts do not run), then
# replace every script by a fresh copy with its attributes, which runs (rendermime's
# evalInnerHTMLScriptTags).
JUPYTERLAB_INSERT = """html => { const host = document.createElement('div'); document.body.appendChild(host);
    host.innerHTML = html;
    for (const s of Array.from(host.getElementsByTagName('script'))) {
      const c = document.createElement('script');
      for (const a of Array.from(s.attributes)) { c.setAttribute(a.name, a.value); }
      c.textContent = s.textContent; s.parentNode.replaceChild(c, s); } }"""

# Does the frame shown hold its caption and then exactly the frame's HTML (as the browser parses it)?
SHOWS = """(el, html) => { const shown = el.querySelector(':scope > [data-frame]');
    const want = document.createElement('div'); want.innerHTML = html;
    const got = document.createElement('div');
    Array.from(shown.childNodes).slice(1).forEach(n => got.appendChild(n.cloneNode(true)));
    return shown.firstChild.tagName === 'P' && got.isEqualNode(want); }"""
# What the print view asks a stepper for: every frame complete, in order.
PRINTED = """(el, htmls) => el.mdlibFrames().map((f, i) => { const want = document.createElement('div');
    want.innerHTML = htmls[i]; const got = document.createElement('div');
    Array.from(f.childNodes).slice(1).forEach(n => got.appendChild(n.cloneNode(true)));
    return f.dataset.frame === String(i) && got.isEqualNode(want); })"""


def step_all(page, n_outputs, n_frames):
    steppers = page.locator("[data-stepper]")
    assert steppers.count() == n_outputs
    for i in range(n_outputs):
        assert steppers.nth(i).evaluate(VISIBLE) == {"current": "0", "frames": ["0"]}, f"output {i}"
    # step each output a different number of times: each moves on its own
    for i in range(n_outputs):
        for _ in range(i + 1):
            steppers.nth(i).locator('[data-step="next"]').click()
    states = [steppers.nth(i).evaluate(VISIBLE) for i in range(n_outputs)]
    assert states == [{"current": str(i + 1), "frames": [str(i + 1)]} for i in range(n_outputs)]
    first = steppers.nth(0)
    first.locator('[data-step="prev"]').click()
    first.locator('[data-step="prev"]').click()              # wraps round to the last frame
    assert first.evaluate(VISIBLE)["frames"] == [str(n_frames - 1)]
    # only the frame shown is in the document: the others wait, detached
    assert all(steppers.nth(i).locator("[data-frame]").count() == 1 for i in range(n_outputs))
    # the arrow keys step from a focused button, and the counter announces the frame
    first.locator('[data-step="next"]').focus()
    page.keyboard.press("ArrowRight")
    assert first.evaluate(VISIBLE)["frames"] == ["0"]
    page.keyboard.press("ArrowLeft")
    assert first.evaluate(VISIBLE)["frames"] == [str(n_frames - 1)]
    names = [first.locator(f'[data-step="{d}"]').evaluate("b => b.innerText") for d in ("prev", "next")]
    assert names[0].endswith("prev") and names[1].startswith("next"), names
    assert first.locator('[data-step] [aria-hidden="true"]').count() == 2      # the arrows only
    counter = first.locator("[data-role=counter]")
    assert counter.get_attribute("aria-live") == "polite" and counter.inner_text() == f"{n_frames} / {n_frames}"
    return steppers


@pytest.mark.parametrize("how", ["html book (inline)", "trusted jupyterlab (inserted)"])
def test_copies_of_one_stepper_each_step(browser, how):
    s = conv_stepper()
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if how.startswith("html book"):
        page.set_content("<body>" + s._repr_html_() + "<p>text</p>" + s._repr_html_() + s._repr_html_() + "</body>")
    else:
        for _ in range(3):
            page.evaluate(JUPYTERLAB_INSERT, s._repr_html_())
    steppers = step_all(page, 3, len(s.frames))
    # trusted: the diagrams are inline SVG again (hover titles, selectable text), no details left
    assert steppers.nth(0).locator("svg").count() > 0 and page.locator("details").count() == 0
    assert page.locator("[data-stepper] img").count() == 0
    # every frame the script builds from the pieces table is the frame's HTML exactly
    last = steppers.nth(2)
    for i in range(len(s.frames)):
        assert last.evaluate(VISIBLE)["frames"] == [str((3 + i) % len(s.frames))]
        assert last.evaluate(SHOWS, s.frames[(3 + i) % len(s.frames)]), f"frame {(3 + i) % len(s.frames)}"
        last.locator('[data-step="next"]').click()
    assert steppers.nth(1).evaluate(PRINTED, s.frames) == [True] * len(s.frames)
    assert not errors
    page.close()


def test_untrusted_stepper_in_a_browser(browser):
    s = conv_stepper()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_content("<body>" + sanitise(s._repr_html_()) + "</body>")
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('p'))
        .filter(p => p.offsetParent !== null && p.innerText.startsWith('Step ')).map(p => p.innerText.split('.')[0])""")
    assert shown == ["Step 1"]
    images = page.evaluate("""() => Array.from(document.images).filter(i => i.offsetParent !== null)
        .map(i => i.complete && i.naturalWidth > 0)""")
    assert images and all(images)                     # the first frame's pictures load as images
    page.locator("summary").click()
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('p'))
        .filter(p => p.offsetParent !== null && p.innerText.startsWith('Step ')).length""")
    assert shown == len(s.frames)
    context.close()
