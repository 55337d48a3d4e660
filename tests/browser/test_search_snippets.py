"""The search page's snippets show formulas as Unicode text, never as raw TeX.

Sphinx cuts each result's snippet from the result page's text, where a formula is still its
TeX source; _ext/assets/search-snippets.js rewrites every formula first (mdlibTexToText).
Checked three ways: every formula of the built book converts to text with no TeX left;
a few conversions are compared with what the prose means; and real searches give snippets
with no raw TeX, while the same searches with the script blocked do show raw TeX (so the
check can fail, and the script is what makes it pass). And each snippet is cut from the
result page's body text (its article, title and in-page table of contents left out), not from
the page's table of contents, where a section title would match first.
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


# The body text of a result page as the snippets see it: its article with the title, heading
# links and scripts left out, each formula as mdlibTexToText writes it; whitespace collapsed.
BODY_TEXT = """async (url) => {
    const doc = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
    const article = doc.querySelector('article.bd-article') || doc.querySelector('[role=main]');
    article.querySelectorAll('span.math, div.math').forEach(el => {
        el.textContent = ' ' + window.mdlibTexToText(el.textContent) + ' '; });
    article.querySelectorAll('h1, .headerlink, script, style').forEach(el => el.remove());
    return article.textContent.split(/\\s+/).join(' ');
}"""
RESULTS = """() => Array.from(document.querySelectorAll('#search-results ul.search li')).map(li => ({
    url: li.querySelector('a').href, snippet: (li.querySelector('p.context') || {}).textContent || ''}))"""


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_come_from_the_body_text(browser, base_url, query):  # noqa: F811
    page = open_search(browser, base_url, query)
    results = page.evaluate(RESULTS)
    off_body = []
    for r in results:
        snippet = " ".join(r["snippet"].split()).removeprefix("...").removesuffix("...").strip()
        body = page.evaluate(BODY_TEXT, r["url"].split("#")[0].split("?")[0])
        if not snippet or snippet not in body:
            off_body.append((r["url"].rsplit("/", 1)[-1], snippet[:90]))
    page.close()
    print(f"{query!r}: {len(results)} results, {len(off_body)} snippets not from the body text")
    assert results and not off_body, f"search for {query!r}: snippets not cut from the body text: {off_body}"
