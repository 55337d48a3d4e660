/* The book's own script, added to every page by _ext/offline_assets.py.
   Keyboard access to the scroll boxes of mdlib-book.css (formulas, SymPy output, paragraphs
   holding a long inline formula): a box that does scroll gets a tab stop (tabindex 0) so that
   the arrow keys scroll it (WCAG 2.1.1; axe-core's rule scrollable-region-focusable); one that
   fits gets none (one that scrolled once keeps its tab stop). The theme does the same for code blocks, cell outputs and tables. Checked
   again when the window is resized and when MathJax typesets (lazily, as formulas near the
   screen) and when web fonts load. A picture's own scroll box (style="overflow-x:auto" in
   mdlib.ui, e.g. chapter 2's row of heatmaps) is one of them. */
(function () {
  var BOXES = [".bd-article div.math", ".bd-article div.output.text_latex", ".bd-article p",
               ".bd-article dd", ".bd-article span.math", ".bd-article mjx-container",
               // A picture's own scroll box (mdlib.ui: a row of heatmaps).
               ".bd-article [style*='overflow-x:auto']",
               ".bd-article [style*='overflow-x: auto']"].join(", ");
  function scrolls(el) {
    var s = getComputedStyle(el);
    return (/auto|scroll/.test(s.overflowX) && el.scrollWidth > el.clientWidth)
      || (/auto|scroll/.test(s.overflowY) && el.scrollHeight > el.clientHeight);
  }
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(BOXES), function (el) {
      // A tab stop once given stays: a formula whose width changes while fonts load or
      // while it is typeset must not lose it between two checks (axe-core saw that happen).
      if (scrolls(el) && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-mdlib-tab", "");
      }
    });
  }
  // Checked at once on request (the browser test calls it once fonts have loaded, so that
  // axe-core and the check see the same widths).
  window.mdlibTabStops = mark;
  // "pending" while a check waits for the page to settle, "done" after it (tests read it).
  var root = document.documentElement, timer = null;
  function later() {
    root.setAttribute("data-mdlib-tab-stops", "pending");
    clearTimeout(timer);
    timer = setTimeout(function () {
      mark();
      root.setAttribute("data-mdlib-tab-stops", "done");
    }, 200);
  }
  function start() {
    mark();
    root.setAttribute("data-mdlib-tab-stops", "done");
    window.addEventListener("resize", later);
    // Web fonts (MathJax's) change a formula's width with no change to the document.
    window.addEventListener("load", later);
    if (document.fonts) { document.fonts.addEventListener("loadingdone", later); }
    var main = document.getElementById("main-content") || document.body;
    new MutationObserver(later).observe(main, {subtree: true, childList: true});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
