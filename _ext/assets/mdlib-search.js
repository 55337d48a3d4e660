/* A page opened from a search result: scroll to the first highlighted match and focus it.
 *
 * Sphinx's search page stores the terms (localStorage "sphinx_highlight_terms", or the page is
 * opened with ?highlight=); sphinx_highlight.js wraps every match in span.highlighted a moment
 * after DOMContentLoaded, over the whole body (the theme has no div.body), and leaves the
 * reader at the top. This script, loaded in <head> before that happens, notes whether there
 * are terms, waits for the spans, and brings the first match in the article into view: inside
 * the section the link's #anchor names, if it names one, and a visible one if there is (a
 * match inside a closed solution opens it). It places it again once the page has loaded and
 * MathJax has typeset, since images and formulas above it change the layout, unless the reader
 * has scrolled meanwhile.
 */
(() => {
  "use strict";
  let terms = "";
  try {
    terms = localStorage.getItem("sphinx_highlight_terms")
      || new URL(window.location).searchParams.get("highlight") || "";
  } catch (e) { return; }
  if (!terms.trim() || /\/search\.html$/.test(window.location.pathname)) return;

  let target = null, readerMoved = false;
  const shown = el => el.getClientRects().length > 0;

  const pick = () => {
    const article = document.querySelector("article.bd-article") || document.querySelector("[role=main]");
    if (!article) return null;
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

  const place = () => {
    if (!target || readerMoved) return;
    const closed = target.closest("details:not([open])");
    if (closed && !shown(target)) closed.open = true;
    target.scrollIntoView({block: "center"});
  };

  const settle = () => {
    target = pick();
    if (!target) return;
    target.setAttribute("tabindex", "-1");
    target.classList.add("mdlib-search-target");
    place();
    target.focus({preventScroll: true});
    const mj = window.MathJax;
    const typeset = mj && mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    const loaded = document.readyState === "complete" ? Promise.resolve()
      : new Promise(resolve => window.addEventListener("load", resolve, {once: true}));
    Promise.all([typeset, loaded]).then(() => requestAnimationFrame(place));
  };

  const watch = () => {
    if (pick()) { settle(); return; }
    // sphinx_highlight.js marks every match in one go: the first mark anywhere means it is done.
    const observer = new MutationObserver(() => {
      if (document.querySelector("span.highlighted")) { observer.disconnect(); settle(); }
    });
    observer.observe(document.body, {childList: true, subtree: true});
  };

  ["wheel", "touchmove", "keydown", "mousedown"].forEach(type =>
    window.addEventListener(type, () => { readerMoved = true; }, {passive: true, once: true}));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
