"""axe-core finds no accessibility violation that the book itself causes, on every page.

axe-core comes from a pinned PyPI package (axe-playwright-python, which ships axe.min.js; see
requirements.txt), injected into each page from that file: no network, no npm. Per page, after
every formula is typeset and every stepper and explorable is set up by its script, axe runs
over the whole document (WCAG 2.0/2.1 A and AA rules and axe's best practices), then, with the
rules about names, ARIA and tables (FRAME_RULES), over every further frame of every stepper and
every explorable after each of its controls has moved. Any violation
fails the test unless its rule and element are in ALLOWED below: each entry is the theme's
chrome or a known limit of axe, with its reason. The test prints, per page, the violations
found (rule, whether the element lies in the book's content or in the theme's chrome, how
many, the first element) and how many were allowed.

It also checks what axe does not: every stepper and explorable is a group with a name.
"""
from pathlib import Path

import pytest

from test_offline import CHROMIUM, FLAGS, PAGES, base_url, browser, open_typeset  # noqa: F401

pytestmark = pytest.mark.browser

AXE_JS = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
AXE_VERSION = "4.12.1"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Over each further stepper frame and explorable state: the rules about what those pictures and
# controls are made of (names, ARIA, tables, ids); the whole set on each would take minutes a page.
FRAME_RULES = ["svg-img-alt", "role-img-alt", "image-alt", "label", "select-name", "button-name",
               "aria-allowed-attr", "aria-prohibited-attr", "aria-required-attr", "aria-valid-attr",
               "aria-valid-attr-value", "aria-allowed-role", "empty-table-header", "th-has-data-cells",
               "td-headers-attr", "nested-interactive", "duplicate-id-aria", "list", "listitem"]
# The book's own content: what its notebooks and markdown put in the page's article.
CONTENT = "article.bd-article"
# Violations that are not the book's: (rule id, CSS selector the flagged element matches, why).
ALLOWED = [
    ("region", ".bd-sidebar-primary .sidebar-primary-item",
     "sphinx-book-theme's primary sidebar (a div, not a landmark) holds the book title link "
     "and the search button outside any landmark; its table of contents is a <nav>"),
    ("empty-table-header", "th:has(> p > span.math:only-child mjx-assistive-mml)",
     "a header cell whose text is one formula: MathJax draws its glyphs as CSS generated "
     "content, which axe does not count as text; screen readers read the formula from "
     "MathJax's assistive MathML inside the cell (the selector requires it)"),
]
RUN = """async ([scope, only, allowed, content]) => {
    const root = scope === null ? document : scope;
    const result = await axe.run(root, {runOnly: scope === null ? {type: 'tag', values: only}
                                                                : {type: 'rule', values: only},
                                        resultTypes: ['violations']});
    return {version: axe.version, violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => {
            const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
            return {target: n.target.join(' >>> '), html: n.html.slice(0, 160),
                    content: el ? !!el.closest(content) : false,
                    allowed: !!el && allowed.some(([id, sel]) => id === v.id && el.matches(sel))};
        })}))};
}"""
# Steppers and explorables: role=group and a name each.
UNNAMED = """() => Array.from(document.querySelectorAll('.mdlib-stepper, .mdlib-explorable'))
    .filter(e => e.getAttribute('role') !== 'group' || !(e.getAttribute('aria-label') || '').trim())
    .map(e => e.outerHTML.slice(0, 120))"""


def test_axe_is_the_pinned_one():
    """axe.min.js is the file the pinned package ships: its header names the version."""
    head = AXE_JS.read_text(encoding="utf-8")[:40]
    assert head.startswith(f"/*! axe v{AXE_VERSION}\n"), head


def run_axe(page, scope=None):
    """axe over the page (every rule of TAGS) or over one element (FRAME_RULES)."""
    only = TAGS if scope is None else FRAME_RULES
    report = page.evaluate(RUN, [scope, only, [[r, s] for r, s, _ in ALLOWED], CONTENT])
    assert report["version"] == AXE_VERSION
    return report["violations"]


def scoped_runs(page):
    """axe over every stepper frame and every explorable state one control away from the first."""
    violations = []
    steppers = page.locator(".mdlib-stepper")
    for i in range(steppers.count()):
        stepper = steppers.nth(i)
        # textContent: a stepper far from the screen is in a section the browser skips
        # (mdlib-book.css), whose innerText is empty until it is shown.
        n = int(stepper.locator("[data-role=counter]").text_content().split("/")[1])
        for _ in range(n - 1):
            stepper.locator('[data-step="next"]').click()
            violations += run_axe(page, stepper.element_handle())
    explorables = page.locator(".mdlib-explorable")
    for i in range(explorables.count()):
        explorable = explorables.nth(i)
        controls = explorable.locator("[data-role=bar] input[type=range], [data-role=bar] select, "
                                      "[data-role=bar] input[type=radio]:checked")
        for c in range(controls.count()):
            controls.nth(c).focus()
            page.keyboard.press("ArrowRight" if controls.nth(c).evaluate("e => e.tagName") != "SELECT"
                                else "ArrowDown")
            violations += run_axe(page, explorable.element_handle())
    return violations


@pytest.mark.parametrize("page_path", PAGES)
def test_page_has_no_accessibility_violation_of_its_own(browser, base_url, page_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_typeset(page, base_url + page_path)
    # The book's script gives scroll boxes that scroll a tab stop once the page has settled.
    page.wait_for_function("() => document.documentElement.getAttribute('data-mdlib-tab-stops') === 'done'")
    # A font that loads after that check widens formulas; its own re-check comes 200 ms later,
    # which axe would race: once every font has loaded, the book's check runs once more.
    page.evaluate("() => document.fonts.ready.then(() => window.mdlibTabStops())")
    page.add_script_tag(path=str(AXE_JS))
    violations = run_axe(page) + scoped_runs(page)
    unnamed = page.evaluate(UNNAMED)
    context.close()

    found, allowed, failing = {}, 0, []
    for v in violations:
        for n in v["nodes"]:
            found.setdefault(f"{v['id']} ({'content' if n['content'] else 'theme'})", []).append(n["target"])
            if n["allowed"]:
                allowed += 1
            else:
                failing.append(f"{v['id']} [{v['impact']}] {v['help']}: {n['target']} {n['html']}")
    print(f"\n{page_path}: axe {AXE_VERSION}: {sum(map(len, found.values()))} violations, {allowed} allowed")
    for key, targets in sorted(found.items()):
        print(f"    {key} x{len(targets)}: {targets[0]}")
    assert not failing, f"{page_path}: {len(failing)} violations not allowed:\n" + "\n".join(failing)
    assert not unnamed, f"{page_path}: steppers or explorables that are not named groups: {unnamed}"
