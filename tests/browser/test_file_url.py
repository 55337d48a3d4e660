"""Opened from the disk, as the Makefile's `make book` suggests (file://_build/html/...), every
page loads with no console error and typesets its formulas.

A page opened from the disk has the origin 'null': Chromium blocks a CORS fetch from it, such
as a <link rel="preload" as="font" crossorigin> (one error per font, though MathJax's own CSS
then loads the fonts). The book adds its font preloads only over http(s).
"""
import pytest

from test_offline import PAGES, SITE, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_path", PAGES)
def test_a_page_opened_from_the_disk_has_no_console_error(browser, page_path):  # noqa: F811
    assert SITE.joinpath("index.html").is_file(), "build the book first: make book"
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text[:200]) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)[:200]))
    page.goto(SITE.joinpath(page_path).as_uri(), wait_until="load")
    page.wait_for_timeout(500)          # index.html redirects to the first page
    page.wait_for_load_state("load")
    # every formula typeset (MathJax typesets lazily, as they near the screen)
    typeset = page.evaluate(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " ? MathJax.startup.promise.then(() => MathJax.startup.document.lazyTypesetAll"
        " ? MathJax.startup.document.lazyTypesetAll() : null).then(() =>"
        " document.querySelectorAll('mjx-container mjx-math').length) : -1")
    page.wait_for_timeout(300)
    page.close()
    print(f"{page_path}: {len(errors)} console errors, {typeset} formulas typeset")
    assert not errors, f"{page_path} opened from the disk: {errors[:4]}"
    if page_path.startswith("book/0"):
        assert typeset > 0, f"{page_path}: no formula typeset when opened from the disk"
