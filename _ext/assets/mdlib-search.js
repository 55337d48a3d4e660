/* A page opened from a search result: the terms highlighted, the first match in view, focused.
 *
 * Sphinx's search page stores the terms (localStorage "sphinx_highlight_terms"; a link may also
 * carry ?highlight=) for sphinx_highlight.js, but that script highlights nothing wherever
 * searchtools.js is loaded too, and the theme loads it on every page; nor would it scroll.
 * So this script, loaded in <head>, reads the terms before anything clears them, marks every
 * match in the article with Sphinx's own _highlightText (span.highlighted, Sphinx's style),
 * then brings the first match into view and focuses it: inside the section the link's #anchor
 * names, if that holds one, and a visible one if there is (a match inside a closed solution
 * opens it). It places it again once the page has loaded and MathJax has typeset, since
 * images and formulas above it change the layout, unless the reader has moved meanwhile.
 */
(() => {
  "use strict";
  let terms = [];
  try {
    const url = new URL(window.location);
    terms = (localStorage.getItem("sphinx_highlight_terms") || url.searchParams.get("highlight") || "")
      .toLowerCase().split(/\s+/).filter(t => t);
  } catch (e) { return; }
  if (!terms.length || /\/search\.html$/.test(window.location.pathname)) return;

  let readerMoved = false;
  ["wheel", "touchmove", "keydown", "mousedown"].forEach(type =>
    window.addEventListener(type, () => { readerMoved = true; }, {passive: true, once: true}));
  const shown = el => el.getClientRects().length > 0;

  const highlight = article => {
    try {
      localStorage.removeItem("sphinx_highlight_terms");
      const url = new URL(window.location);
      if (url.searchParams.has("highlight")) {
        url.searchParams.delete("highlight");
        window.history.replaceState({}, "", url);
      }
    } catch (e) { /* storage or history refused: the highlight still works */ }
    if (typeof _highlightText === "function") {  // sphinx_highlight.js
      terms.forEach(term => _highlightText(article, term, "highlighted"));
    }
  };

  const firstMatch = article => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const section = id ? document.getElementById(id) : null;
    const scopes = section && article.contains(section) ? [section, article] : [article];
    for (const scope of scopes) {
      const marks = Array.from(scope.querySelectorAll("span.highlighted"));
      const mark = marks.find(shown) || marks[0];
      if (mark) return mark;
    }
    return null;
  };

  const run = () => {
    const article = document.querySelector("article.bd-article") || document.querySelector("[role=main]");
    if (!article) return;
    highlight(article);
    const target = firstMatch(article);
    if (!target) return;
    const place = () => {
      if (readerMoved) return;
      const closed = target.closest("details:not([open])");
      if (closed && !shown(target)) closed.open = true;
      target.scrollIntoView({block: "center"});
    };
    target.setAttribute("tabindex", "-1");
    place();
    target.focus({preventScroll: true});
    const mj = window.MathJax;
    const typeset = mj && mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    const loaded = document.readyState === "complete" ? Promise.resolve()
      : new Promise(resolve => window.addEventListener("load", resolve, {once: true}));
    Promise.all([typeset, loaded]).then(() => requestAnimationFrame(place));
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
