/* The book's own script, added to every page by _ext/offline_assets.py.
   Keyboard access to the scroll boxes: a box that does scroll gets a tab stop (tabindex 0) so
   that the arrow keys scroll it (WCAG 2.1.1; axe-core's rule scrollable-region-focusable).
   - The book's boxes (mdlib-book.css: formulas, SymPy output, paragraphs holding a long inline
     formula, and a picture's own scroll box, style="overflow-x:auto" in mdlib.ui, e.g. chapter
     2's row of heatmaps): one that fits gets none, one with a tabindex of its own is left as it
     is, and one that scrolled once keeps its tab stop (a formula whose width changes while
     fonts load or while MathJax typesets it must not lose it between two checks: axe-core saw
     that happen).
   - The theme's (code blocks, cell outputs, tables), by the theme's own rule: tabindex 0 if it
     scrolls, -1 if not. The theme checked them all itself once the page had loaded, and again
     after every change; _ext/offline_assets.py turns that off, this script does it instead.
   Checking whether a box scrolls lays it out. Checked all at once as the page loaded, they made
   the browser lay out the whole page, the sections far from the screen included (which
   mdlib-book.css lets it skip), before the formulas on the screen were typeset. So a box is
   checked when it comes within a screen's height of the viewport (an IntersectionObserver),
   and the boxes there are checked again when the page changes (MathJax typesets, an explorable
   draws, web fonts load, the window is resized). Before the Tab key moves the focus, every box
   of the page is checked if anything changed since the last time, so that the focus never
   skips a box that scrolls. */
(function () {
  // A display formula's own box (MathJax gives it overflow auto); an inline formula's never
  // scrolls (its span.math does): a chapter's thousand inline formulas are not watched.
  var BOOK = [".bd-article div.math", ".bd-article div.output.text_latex", ".bd-article p",
              ".bd-article dd", ".bd-article span.math",
              ".bd-article mjx-container[display='true']",
              // A picture's own scroll box (mdlib.ui: a row of heatmaps).
              ".bd-article [style*='overflow-x:auto']",
              ".bd-article [style*='overflow-x: auto']"].join(", ");
  // pydata-sphinx-theme 0.17's addTabStopsToScrollableElements.
  var THEME = ["pre", ".nboutput > .output_area", ".cell_output > .output",
               ".jp-RenderedHTMLCommon", ".pst-scrollable-table-container"].join(", ");
  var ALL = BOOK + ", " + THEME;
  function scrolls(el) {
    var s = getComputedStyle(el);
    return (/auto|scroll/.test(s.overflowX) && el.scrollWidth > el.clientWidth)
      || (/auto|scroll/.test(s.overflowY) && el.scrollHeight > el.clientHeight);
  }
  function check(el) {
    if (!el.isConnected || el.hasAttribute("data-mdlib-tab")) return;
    if (el.matches(THEME)) {
      el.tabIndex = scrolls(el) ? 0 : -1;
      if (el.tabIndex === 0 && el.matches(BOOK)) el.setAttribute("data-mdlib-tab", "");
    } else if (!el.hasAttribute("tabindex") && scrolls(el)) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("data-mdlib-tab", "");
    }
  }
  var near = new Set(), changed = true, observer = null;
  // Every box of the page, at once (the Tab key, and the browser tests once fonts have loaded,
  // so that axe-core and the check see the same widths).
  function checkAll() {
    Array.prototype.forEach.call(document.querySelectorAll(ALL), check);
    changed = false;
  }
  window.mdlibTabStops = checkAll;
  function checkNear() {
    near.forEach(function (el) {
      if (el.isConnected) check(el); else near.delete(el);
    });
  }
  function watch(node) {
    // An inline formula (MathJax adds each on its own) holds no box.
    if (node.nodeType !== 1 || (node.nodeName === "MJX-CONTAINER"
                                && node.getAttribute("display") !== "true")) return;
    if (node.matches(ALL)) observer.observe(node);
    Array.prototype.forEach.call(node.querySelectorAll(ALL), function (el) {
      observer.observe(el);
    });
  }
  // "pending" while a check waits for the page to settle, "done" after it (tests read it).
  var root = document.documentElement, timer = null;
  function later() {
    changed = true;
    root.setAttribute("data-mdlib-tab-stops", "pending");
    clearTimeout(timer);
    timer = setTimeout(function () {
      checkNear();
      root.setAttribute("data-mdlib-tab-stops", "done");
    }, 200);
  }
  function start() {
    if (!window.IntersectionObserver) {
      checkAll();
    } else {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            near.add(entry.target);
            check(entry.target);
          } else {
            near.delete(entry.target);
          }
        });
      }, {rootMargin: "100% 0px"});
      watch(document.body);
    }
    root.setAttribute("data-mdlib-tab-stops", "done");
    document.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && changed) checkAll();
    }, true);
    window.addEventListener("resize", later);
    // Web fonts (MathJax's) change a formula's width with no change to the document.
    window.addEventListener("load", later);
    if (document.fonts) { document.fonts.addEventListener("loadingdone", later); }
    var main = document.getElementById("main-content") || document.body;
    new MutationObserver(function (records) {
      if (observer) {
        records.forEach(function (record) {
          Array.prototype.forEach.call(record.addedNodes, watch);
        });
      }
      later();
    }).observe(main, {subtree: true, childList: true});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
