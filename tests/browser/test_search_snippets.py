"""The search page's snippets show formulas as Unicode text, never as raw TeX.

Sphinx cuts each result's snippet from the result page's text, where a formula is still its
TeX source; _ext/assets/search-snippets.js rewrites every formula first (mdlibTexToText).
Checked three ways: every formula of the built book converts to text with no TeX left;
a few conversions are compared with what the prose means; and real searches give snippets
with no raw TeX, while the same searches with the script blocked do show raw TeX (so the
check can fail, and the script is what makes it pass).
"""
import html
import re

import pytest

from test_offline import RAW_TEX, SITE, base_url, browser  # noqa: F401

pytestmark = pytest.mark.browser

MATH = re.compile(r'<(?:span|div) class="math[^"]*">(.*?)</(?:span|div)>', re.S)
# TeX that must not survive: a command, or a braced script.
LEFT_OVER = re.compile(r"\\[A-Za-z]|[\^_]\{|\\[()\[\]]")
QUERIES = ["transpose", "delta", "gradient", "rotated", "softmax"]


def book_formulas():
    found = set()
    for page in (SITE / "book").glob("*.html"):
        found.update(html.unescape(m) for m in MATH.findall(page.read_text(encoding="utf-8")))
    return sorted(found)


def open_search(browser, base_url, query, block_script=False):  # noqa: F811
    page = browser.new_page()
    if block_script:
        page.route("**/search-snippets.js*", lambda route: route.abort())
    page.goto(base_url + "search.html?q=" + query, wait_until="load")
    page.wait_for_function(
        "() => (document.querySelector('#search-results p.search-summary') || {}).innerText",
        timeout=20000)
    # Snippets arrive one fetch at a time after the summary line: wait until every result has one.
    page.wait_for_function("""() => {
        const items = document.querySelectorAll('#search-results ul.search li');
        return items.length > 0 && Array.from(items).every(li => li.querySelector('p.context'));
    }""", timeout=20000)
    return page


def snippets(page):
    return page.evaluate("() => Array.from(document.querySelectorAll("
                         "'#search-results ul.search li p.context')).map(p => p.textContent)")


def test_every_formula_of_the_book_converts_to_text(browser, base_url):  # noqa: F811
    formulas = book_formulas()
    assert len(formulas) > 500, f"only {len(formulas)} formulas found in {SITE / 'book'}"
    page = browser.new_page()
    page.goto(base_url + "search.html", wait_until="load")
    texts = page.evaluate("fs => fs.map(f => window.mdlibTexToText(f))", formulas)
    page.close()
    bad = [(f, t) for f, t in zip(formulas, texts) if LEFT_OVER.search(t) or not t.strip()]
    print(f"{len(formulas)} distinct formulas converted, {len(bad)} with TeX left")
    assert not bad, f"{len(bad)} formulas keep TeX, for example {bad[:5]}"


@pytest.mark.parametrize("tex, text", [
    (r"\((W^{l+1})^T \delta^{l+1}\)", "(Wˡ⁺¹)ᵀ δˡ⁺¹"),
    (r"\(\delta^l = ((W^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)\)",
     "δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)"),
    (r"\(\partial C / \partial w^l_{jk}\)", "∂C / ∂wˡⱼₖ"),
    (r"\(C = \frac1N \sum_i J^{(i)}\)", "C = 1/N Σᵢ J⁽ⁱ⁾"),
    (r"\(\frac{\partial C}{\partial b^l}\)", "(∂C)/(∂bˡ)"),
    (r"\(K_{R-1-u,\,S-1-v}\)", "K_(R-1-u, S-1-v)"),
    (r"\(n_{l-1}\)", "nₗ₋₁"),
])
def test_conversions_say_what_the_formula_says(browser, base_url, tex, text):  # noqa: F811
    page = browser.new_page()
    page.goto(base_url + "search.html", wait_until="load")
    got = page.evaluate("t => window.mdlibTexToText(t)", tex)
    page.close()
    assert got == text


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_show_no_raw_tex(browser, base_url, query):  # noqa: F811
    page = open_search(browser, base_url, query)
    shown = snippets(page)
    page.close()
    assert shown, f"no snippet for {query!r}"
    raw = [s for s in shown if any(t in s for t in RAW_TEX)]
    print(f"{query!r}: {len(shown)} snippets, {len(raw)} with raw TeX")
    assert not raw, f"search for {query!r}: snippets with raw TeX: {raw[:2]}"


def test_without_the_script_snippets_do_show_raw_tex(browser, base_url):  # noqa: F811
    """The control: the check above would fail if the script did not run."""
    raw = 0
    for query in QUERIES:
        page = open_search(browser, base_url, query, block_script=True)
        raw += sum(any(t in s for t in RAW_TEX) for s in snippets(page))
        page.close()
    print(f"with search-snippets.js blocked: {raw} snippets with raw TeX")
    assert raw > 0
