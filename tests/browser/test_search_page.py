"""The search page shows one clear search box, at a phone's width and on a desktop.

On search.html the page's own form is the search box: no other search field or search button
is visible (the theme's header, sidebar and article-header ones open a search dialog that
would be a second box), and the form's magnifying-glass icon sits clear of the text typed
into it. No bar stands empty: the theme's header bar, which on a desktop holds only a search
button, is not shown there. Screenshots, for a person to look at, go to test-artifacts/search/.
"""
import pytest

from test_offline import ARTIFACTS, CHROMIUM, FLAGS, base_url  # noqa: F401

pytestmark = pytest.mark.browser

# Every visible search field or button: (what, its box).
SEARCH_CONTROLS = """() => Array.from(document.querySelectorAll(
        'input[type=search], .search-button-field, .search-button, .search-button__button'))
    .filter(el => el.checkVisibility({visibilityProperty: true, opacityProperty: true})
                  && el.getBoundingClientRect().width > 0)
    .map(el => el.tagName.toLowerCase() + '.' + (el.className || '').trim().split(/\\s+/).join('.'))"""
# The theme's header bar as shown: its height in px and the visible text or controls in it.
HEADER = """() => {
    const h = document.querySelector('.bd-header');
    if (!h || !h.checkVisibility()) { return {height: 0, content: []}; }
    const content = Array.from(h.querySelectorAll('button, a, input, span, i'))
        .filter(el => el.checkVisibility({visibilityProperty: true, opacityProperty: true})
                      && el.getBoundingClientRect().width > 0)
        .map(el => el.tagName.toLowerCase() + '.' + (el.className || '').trim().split(/\\s+/)[0]);
    return {height: h.getBoundingClientRect().height, content: content};
}"""
# The page's form: where its icon ends and where the typed text starts, in px.
ICON_AND_TEXT = """() => {
    const form = document.querySelector('.bd-search-container form');
    const icon = form.querySelector('i, svg'), input = form.querySelector('input');
    const s = getComputedStyle(input), box = input.getBoundingClientRect();
    const kbd = form.querySelector('.search-button__kbd-shortcut');
    return {iconRight: icon.getBoundingClientRect().right, iconLeft: icon.getBoundingClientRect().left,
            textLeft: box.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft),
            textRight: box.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight),
            kbdLeft: kbd && kbd.checkVisibility() ? kbd.getBoundingClientRect().left : null};
}"""


@pytest.mark.parametrize("width", [390, 1440])
def test_one_clear_search_box(base_url, width):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": 844})
        page.goto(base_url + "search.html?q=gradient", wait_until="load")
        page.wait_for_function(
            "() => (document.querySelector('#search-results p.search-summary') || {}).innerText",
            timeout=20000)
        (ARTIFACTS / "search").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search" / f"search_{width}.png"))
        controls = page.evaluate(SEARCH_CONTROLS)
        geometry = page.evaluate(ICON_AND_TEXT)
        header = page.evaluate(HEADER)
        browser.close()
    print(f"{width} px: visible search controls {controls}; {geometry}; header {header}")
    assert header["height"] == 0 or header["content"], \
        f"at {width} px the search page shows an empty header bar: {header}"
    assert controls == ["input.form-control"], f"at {width} px the search page shows {controls}"
    assert geometry["iconRight"] <= geometry["textLeft"], \
        f"at {width} px the search icon overlaps the typed text: {geometry}"
    assert geometry["kbdLeft"] is None or geometry["kbdLeft"] >= geometry["textRight"], geometry
