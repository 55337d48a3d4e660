"""The book's MathJax extension (_ext/assets/mdlib-mathjax.js) is in effect: MathJax's lazy
first pass leaves the formulas waiting for the screen without assistive MathML (they get it
when typeset), while every typeset formula has it. Without the extension, or with it loaded
after MathJax starts, each of chapter 4's ~800 waiting formulas carries an empty one."""
import pytest

from test_offline import PAGES, base_url, browser  # noqa: F401

pytestmark = pytest.mark.browser

COUNT = """() => MathJax.startup.promise.then(() => new Promise(r => setTimeout(r, 500))).then(() => {
    const all = Array.from(document.querySelectorAll('mjx-container'));
    const waiting = all.filter(c => c.querySelector('mjx-lazy'));
    const typeset = all.filter(c => !c.querySelector('mjx-lazy'));
    return {waiting: waiting.length,
            waitingWithMml: waiting.filter(c => c.querySelector('mjx-assistive-mml')).length,
            typeset: typeset.length,
            typesetWithoutMml: typeset.filter(c => !c.querySelector('mjx-assistive-mml')).length};
})"""


@pytest.mark.parametrize("page_path", [p for p in PAGES if p.startswith("book/0")])
def test_waiting_formulas_get_no_assistive_mathml_until_typeset(browser, base_url,  # noqa: F811
                                                                page_path):
    page = browser.new_page()
    page.goto(base_url + page_path, wait_until="load")
    counts = page.evaluate(COUNT)
    page.close()
    print(page_path, counts)
    assert counts["waiting"] > 100 and counts["typeset"] > 0, counts
    assert counts["waitingWithMml"] == 0 and counts["typesetWithoutMml"] == 0, counts
