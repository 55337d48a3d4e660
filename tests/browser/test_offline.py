"""The built book works offline: every page, in Chromium, with no network but loopback.

Run by `make browser` inside `unshare -n` (a namespace whose only interface is lo). The site
is served from 127.0.0.1; any request elsewhere is a failure even before it fails to connect.
Per page it fails on: a request outside the site, a local request that fails (missing asset),
a page error or console error, a formula MathJax did not typeset, raw TeX left in the text,
widget state or a widget manager in the page, a page over its budget (bytes loaded, DOM
elements), a stepper whose next control does not change the frame, and an explorable with a
control that is unlabelled, not operable by the keyboard, or does not change the picture and
the announced state. Screenshots go to test-artifacts/ for a person to look at.
"""
import functools
import http.server
import threading
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
               if "_static" not in p.parts and "_sources" not in p.parts)
# Per page: every file it loads (sizes on disk, uncompressed, each once) and its DOM elements.
BUDGET_BYTES, BUDGET_ELEMENTS = 2_500_000, 12_000
RAW_TEX = ["\\(", "\\)", "\\[", "\\]", "$$", "\\frac", "\\sum", "\\begin", "\\sigma", "^{"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    assert SITE.joinpath("index.html").is_file(), "build the book first: make book"
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def open_typeset(page, url, open_details=False):
    """Load url in page, wait for MathJax's start-up, then typeset every formula, as a reader
    who scrolls through the page (or prints it) has them; with open_details, also open every
    collapsible box (exercise solutions, hidden cells)."""
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                  "? MathJax.startup.promise.then(() => true) : true")
    page.evaluate("() => window.MathJax && MathJax.startup.document.lazyTypesetAll ? "
                  "MathJax.startup.document.lazyTypesetAll().then(() => true) : true")
    if open_details:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(100)


def test_pages_were_found():
    assert "book/01_notation.html" in PAGES and "book/preface.html" in PAGES, PAGES


@pytest.mark.parametrize("page_path", PAGES)
def test_page_works_offline(browser, base_url, page_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside, failed, errors, loaded = [], [], [], []
    page.on("request", lambda r: None if r.url.startswith((base_url, "data:", "blob:", "about:"))
            else outside.append(r.url))
    page.on("requestfinished", lambda r: loaded.append(r.url))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)

    page.goto(base_url + page_path, wait_until="load")
    page.wait_for_load_state("networkidle")
    # MathJax typesets asynchronously; wait for it where the page loads it.
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                  "? MathJax.startup.promise.then(() => true) : true")
    page.wait_for_load_state("networkidle")

    # Budgets, as the page is loaded: bytes of every file it loaded, and DOM elements (after the
    # scripts and MathJax's first typeset; MathJax typesets a formula as it comes near the screen).
    files = {}
    for url in loaded:
        local = urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))
        f = SITE / local
        f = f / "index.html" if f.is_dir() else f
        if url.startswith(base_url) and f.is_file():
            files[local] = f.stat().st_size
    size, elements = sum(files.values()), page.evaluate("() => document.getElementsByTagName('*').length")
    biggest = sorted(files.items(), key=lambda kv: -kv[1])[:4]
    print(f"{page_path}: {size:,d} bytes, {elements:,d} elements")
    assert size <= BUDGET_BYTES, f"{page_path}: loads {size:,d} bytes > {BUDGET_BYTES:,d}; largest {biggest}"
    assert elements <= BUDGET_ELEMENTS, f"{page_path}: {elements:,d} DOM elements > {BUDGET_ELEMENTS:,d}"

    # Then every formula, as a reader scrolling through (or printing) would have them.
    page.evaluate("() => window.MathJax && MathJax.startup.document.lazyTypesetAll ? "
                  "MathJax.startup.document.lazyTypesetAll().then(() => true) : true")
    ARTIFACTS.mkdir(exist_ok=True)
    # A long chapter's full-page screenshot takes over Playwright's default 30 s when the
    # machine is busy (load average 15-20 on 2 cores); the screenshot is for a person, not a check.
    page.screenshot(path=str(ARTIFACTS / (page_path.replace("/", "__") + ".png")), full_page=True,
                    timeout=180_000)

    assert not outside, f"{page_path} requested outside the site: {outside}"
    assert not failed, f"{page_path} had failed requests: {failed}"
    assert not errors, f"{page_path} script errors: {errors}"

    # Every formula typeset: each Sphinx math element holds MathJax output.
    untyped = page.evaluate("""() => Array.from(document.querySelectorAll('.math'))
        .filter(e => !e.querySelector('mjx-container mjx-math') && !e.closest('mjx-container'))
        .map(e => e.textContent.slice(0, 80))""")
    assert not untyped, f"{page_path}: formulas left untypeset: {untyped[:5]}"
    # No raw TeX in the readable text (code blocks and scripts excluded).
    text = page.evaluate("""() => {
        const main = (document.querySelector('article') || document.body).cloneNode(true);
        main.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove());
        return main.innerText; }""")
    raw = [t for t in RAW_TEX if t in text]
    assert not raw, f"{page_path}: raw TeX {raw} in text, e.g. ...{text[text.find(raw[0]) - 60:text.find(raw[0]) + 60]}..."

    # No widget state, no widget manager: a live widget's output is shown by its explorable.
    widgetry = page.evaluate("""() => Array.from(document.querySelectorAll('script'))
        .map(s => s.type + ' ' + s.src).filter(t => /widget|require/.test(t))""")
    assert not widgetry, f"{page_path}: widget state or manager scripts: {widgetry}"

    # Every explorable: every control has a name, moves by the keyboard, and changes the picture
    # and the announced state.
    explorables, problems = page.locator(".mdlib-explorable"), []
    for i in range(explorables.count()):
        problems += [f"explorable {i}: {p}" for p in check_explorable(page, explorables.nth(i))]
        explorables.nth(i).screenshot(path=str(ARTIFACTS / f"{page_path.replace('/', '__')}.explorable{i}.png"))
    assert not problems, f"{page_path}: " + "; ".join(problems)

    # Every static stepper steps: clicking next changes the visible frame.
    steppers = page.locator("[data-stepper]")
    for i in range(steppers.count()):
        stepper = steppers.nth(i)
        stepper.scroll_into_view_if_needed()
        visible = "el => Array.from(el.querySelectorAll('[data-frame]')).filter(f => !f.hidden).map(f => f.dataset.frame)"
        before = stepper.evaluate(visible)
        stepper.locator('[data-step="next"]').click()
        after = stepper.evaluate(visible)
        assert len(before) == 1 and len(after) == 1 and before != after, \
            f"{page_path}: stepper {i} did not step ({before} -> {after})"
        stepper.screenshot(path=str(ARTIFACTS / f"{page_path.replace('/', '__')}.stepper{i}.png"))
    assert not errors, f"{page_path} script errors after interaction: {errors}"
    context.close()


STATE = """el => ({picture: el.querySelector(':scope > [data-role=view]').innerHTML,
                   status: el.querySelector(':scope > [data-role=status]').textContent,
                   live: el.querySelector(':scope > [data-role=status]').getAttribute('aria-live'),
                   drawn: el.querySelector(':scope > [data-role=status]').getBoundingClientRect().width})"""
# The controls of an explorable, with the element the keyboard acts on and its accessible name.
CONTROLS = """el => Array.from(el.querySelectorAll(':scope > [data-role=bar] > *')).slice(el.querySelector(
    ':scope > [data-role=bar] > b') ? 1 : 0).map((box, i) => {
      const range = box.querySelector('input[type=range]'), menu = box.querySelector('select');
      const radios = Array.from(box.querySelectorAll('input[type=radio]'));
      const named = l => l ? l.firstChild.textContent.trim() : '';
      if (range) { return {i, kind: 'range', name: named(range.labels[0]),
                           atMax: Number(range.value) >= Number(range.max), span: Number(range.max) - Number(range.min)}; }
      if (menu) { return {i, kind: 'menu', name: named(menu.labels[0]),
                          atMax: menu.selectedIndex === menu.options.length - 1, span: menu.options.length - 1}; }
      const on = radios.findIndex(r => r.checked);
      return {i, kind: radios.length ? 'radio' : 'unknown',
              name: box.getAttribute('role') === 'radiogroup' ? (box.getAttribute('aria-label') || '') : '',
              atMax: on === radios.length - 1, span: radios.length - 1};
    })"""


def check_explorable(page, explorable):
    """Press an arrow key on every control (towards a value it can take): the picture and the
    status line must change, and the status line is announced (aria-live), not drawn. Returns
    the problems found."""
    explorable.scroll_into_view_if_needed()
    problems = []
    state = explorable.evaluate(STATE)
    if state["live"] != "polite":
        problems.append("its status line is not aria-live")
    if state["drawn"] > 1:      # the controls show the state: announced, not drawn twice
        problems.append(f"its status line is drawn ({state['drawn']:.0f} px wide)")
    n_controls = len(explorable.evaluate(CONTROLS))
    if not n_controls:
        problems.append("no controls")
    for index in range(n_controls):
        c = explorable.evaluate(CONTROLS)[index]  # read again: a change may have moved the others
        if c["kind"] == "unknown" or not c["name"]:
            problems.append(f"control {c['i']} ({c['kind']}) has no accessible name")
            continue
        if c["span"] < 1:
            problems.append(f"control {c['name']!r} offers one value only")
            continue
        box = explorable.locator(":scope > [data-role=bar] > *").nth(c["i"] + (1 if explorable.locator(
            ":scope > [data-role=bar] > b").count() else 0))
        target = {"range": "input[type=range]", "menu": "select", "radio": "input[type=radio]:checked"}[c["kind"]]
        box.locator(target).focus()
        key = {"range": ("ArrowRight", "ArrowLeft"), "menu": ("ArrowDown", "ArrowUp"),
               "radio": ("ArrowRight", "ArrowLeft")}[c["kind"]][1 if c["atMax"] else 0]
        page.keyboard.press(key)
        after = explorable.evaluate(STATE)
        if after["picture"] == state["picture"]:
            problems.append(f"control {c['name']!r}: {key} did not change the picture")
        if after["status"] == state["status"]:
            problems.append(f"control {c['name']!r}: {key} did not change the announced state")
        state = after
    return problems


CHAPTERS = ["book/01_notation.html", "book/02_backprop.html", "book/03_two_layer_shapes.html", "book/04_conv_pool.html"]


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_exercise_solutions_are_closed_toggles_that_open(browser, base_url, page_path):
    page = browser.new_page()
    page.goto(base_url + page_path, wait_until="load")
    dropdowns = page.locator("details.sd-dropdown")
    code = page.locator("details.hide")
    n = dropdowns.count()
    assert 3 <= n <= 5 and code.count() == n, f"{page_path}: {n} solution dropdowns, {code.count()} hidden solution cells"
    for i in range(n):
        assert dropdowns.nth(i).get_attribute("open") is None and code.nth(i).get_attribute("open") is None
    dropdowns.nth(0).locator("summary").click()
    code.nth(0).locator("summary").click()
    assert dropdowns.nth(0).get_attribute("open") is not None and code.nth(0).get_attribute("open") is not None
    assert "assert" in code.nth(0).inner_text()
    page.close()


def test_glossary_chinese_is_rendered_by_a_cjk_font(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "book/A2_glossary.html", wait_until="load")
    page.evaluate("""() => { const cell = Array.from(document.querySelectorAll('td'))
                                   .find(td => td.textContent.trim() === '反向传播');
                             cell.id = 'cjk-probe'; cell.scrollIntoView(); }""")
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#cjk-probe"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#cjk-probe").screenshot(path=str(ARTIFACTS / "glossary-cjk-cell.png"))
    cjk_glyphs = sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"])
    assert cjk_glyphs == 4, f"the 4 glyphs of 反向传播 were rendered by {fonts}, not by a CJK font"
    context.close()


@pytest.mark.parametrize("query, expected", [
    ("反向传播", ["A2_glossary"]),
    ("卷积核", ["A2_glossary"]),
    ("backpropagation", ["02_backprop", "A2_glossary"]),
    ("kernel", ["04_conv_pool", "A2_glossary"]),
])
def test_search_finds_terms_in_both_languages(browser, base_url, query, expected):
    page = browser.new_page()
    page.goto(base_url + "search.html?q=" + query, wait_until="load")
    # Sphinx lists results one at a time and fills the summary line only when it has finished:
    # reading the list any earlier races it (the glossary was once the sixth of six results)
    page.wait_for_function("() => (document.querySelector('#search-results p.search-summary') || {}).innerText",
                           timeout=20000)
    links = page.evaluate("() => Array.from(document.querySelectorAll('#search-results ul.search li a')).map(a => a.href)")
    for name in expected:
        assert any(name in link for link in links), f"search for {query!r}: no result on {name}; got {links}"

    # Following the first result opens its page at a highlighted match, in view and focused
    # (_ext/assets/mdlib-search.js), once the page has loaded and MathJax has typeset.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with page.expect_navigation(wait_until="load"):
        page.locator("#search-results ul.search li a").first.click()
    page.wait_for_load_state("networkidle")
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                  "? MathJax.startup.promise.then(() => true) : true")
    try:
        page.wait_for_function(SEARCH_LANDED, timeout=20000)
    except PlaywrightTimeout:
        pass  # the asserts below say what the page shows instead
    landed = page.evaluate(SEARCH_WHERE)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{links[0].split('/')[-1].split('.')[0]}-{len(query)}.png"))
    assert landed["focused"] and landed["inView"], \
        f"search for {query!r}: {page.url} opened with no highlighted match focused in view: {landed}"
    assert landed["text"].lower() == query.lower(), f"search for {query!r}: focused {landed['text']!r}"
    assert landed["first"], f"search for {query!r}: the focused match is not the first one shown: {landed}"
    page.close()


# The focused element: a highlighted match in the article, inside the viewport, and the first
# one shown (in the section the link's #anchor names, if it names one).
SEARCH_WHERE = """() => {
    const a = document.activeElement, r = a ? a.getBoundingClientRect() : null;
    const article = document.querySelector('article.bd-article');
    const focused = !!a && a.matches('article.bd-article span.highlighted');
    const named = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    const scope = named && article.contains(named) && named.querySelector('span.highlighted') ? named : article;
    const shown = Array.from(scope.querySelectorAll('span.highlighted')).filter(m => m.getClientRects().length);
    return {focused, text: focused ? a.textContent : (a ? a.tagName : ''), url: location.href, scrollY: window.scrollY,
            top: r ? r.top : -1, first: focused && shown[0] === a,
            inView: focused && r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight}; }"""
SEARCH_LANDED = "() => (" + SEARCH_WHERE + ")().inView"
