/* MathJax's lazy typesetting (ui/lazy), made to skip the work it does for every formula of the
   page at startup although it is redone when the formula comes near the screen. Added by
   _ext/offline_assets.py to the pages that load MathJax, after their MathJax configuration and
   before MathJax's deferred startup.js runs.

   MathJax 3.2's lazy first pass only puts an empty marker where each formula goes, but it still
   - measures the font metrics around every formula (getMetrics: a test element inserted beside
     each one and measured, which lays out the whole page, off-screen sections included), and
   - builds the assistive MathML of every marker (an empty <math>, parsed as a document of its
     own, a thousand times on a long chapter), both of which it does again when it typesets the
     formula for real.
   Here the first pass leaves both to the formulas MathJax typesets: a formula is measured when
   it comes near the screen (or when lazyTypesetAll typesets the rest, for print), as MathJax 4
   does. What a typeset formula looks like does not change: its metrics are measured in its
   own place, as before, just later.

   Its first batch is the formulas on the screen, typeset at once. MathJax watches every marker
   with one IntersectionObserver whose margin (lazyMargin, 200 px) reaches below the screen, and
   typesets what it reports when the browser is next idle (requestIdleCallback), which on a
   page still loading comes late. Here the markers are first watched with no margin and the
   first report is typeset straight away; then they are watched with MathJax's margin as
   before, so that the formulas just below the screen follow in the next batch and, while the
   reader scrolls, are typeset before they come into view.

   MathJax's first pass finds a page's first formulas only: those outside the article (the
   contents in the sidebar) and the article's first FIRST_FOUND, in the order of the page.
   Finding a formula and giving it its marker costs the same whether it is near the screen or
   not, and chapter 4's 860 took a few hundred ms before the first formula was typeset. The
   others are found (MathJax.typesetPromise on their elements: each gets its marker, typeset as
   it comes near the screen) once the first batch is typeset, or, at the latest, before
   lazyTypesetAll typesets everything (print, tests). A page opened at an anchor in the article
   (a link from the glossary) finds the FIRST_FOUND from just above the anchor instead.

   The theme's scripts (bootstrap.js, pydata-sphinx-theme.js: its tooltips, menus, colour-mode
   switch and sidebars) run once that first batch is typeset, not before the page is ready:
   _ext/offline_assets.py writes them as inert <script type="mdlib/after-mathjax"> elements,
   which mdlibThemeScripts turns into scripts run in their order. Deferred, they ran before
   DOMContentLoaded, and MathJax starts only then. The price: until the screen is typeset
   (under a second on this book's 2-core test machine when idle, 2 to 3 s when it is busy)
   the colour-mode switch, the search button and the tooltips do not respond. On a page whose
   MathJax fails to start, they run once the page has loaded. */
(function () {
  "use strict";
  // Formulas of the article found by MathJax's first pass (the others: once the screen is
  // typeset). More than a screen and MathJax's margin below it hold at the top of a page.
  var FIRST_FOUND = 100;
  // At an anchor, the first pass starts this many formulas above it (the anchor sits a little
  // below the top of the screen, under the theme's header).
  var ABOVE_ANCHOR = 5;
  var themeLoaded = false;
  function mdlibThemeScripts() {
    if (themeLoaded) return;
    themeLoaded = true;
    var later = document.querySelectorAll('script[type="mdlib/after-mathjax"]');
    Array.prototype.forEach.call(later, function (inert) {
      var script = document.createElement("script");
      script.src = inert.getAttribute("data-src");
      script.async = false;       // in their order: pydata-sphinx-theme.js uses bootstrap's
      inert.replaceWith(script);
    });
  }
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (!(mj && mj.startup && mj.startup.promise)) mdlibThemeScripts();
  });
  var config = window.MathJax = window.MathJax || {};
  var startup = config.startup = config.startup || {};
  var ready = startup.ready;
  startup.ready = function () {
    // Once MathJax has started: with no lazy document of ours (no IntersectionObserver), or
    // no formula to watch (no first report would come).
    var done = function () {
      var doc = MathJax.startup.document;
      if (!doc || doc.mdlibFirst === undefined) return mdlibThemeScripts();
      for (var math of doc.math) {
        if (math.lazyMarker) return;
      }
      mdlibThemeScripts();
    };
    var STATE = MathJax._.core.MathItem.STATE;
    MathJax.startup.extendHandler(function (handler) {
      var Lazy = handler.documentClass;
      // Without IntersectionObserver, ui/lazy leaves the document class alone: so do we.
      if (!Lazy.prototype.lazyTypesetAll) return handler;
      handler.documentClass = class extends Lazy {
        constructor(...args) {
          super(...args);
          // Watched with no margin until the first report (and the batch it starts) is done.
          this.mdlibMargin = this.lazyObserver;
          this.lazyObserver = new IntersectionObserver(this.lazyObserve.bind(this),
                                                       {rootMargin: "0px"});
          this.mdlibFirst = true;
          var whenIdle = this.lazyProcessSet;
          this.lazyProcessSet = function () {
            if (!this.mdlibFirst) return whenIdle();
            // The first report's formulas: once the report has been read (a microtask), not
            // when the browser is idle; then the margin.
            var swap = this.mdlibWatchWithMargin.bind(this);
            Promise.resolve().then(function () {
              this.lazyHandleSet();
              this.lazyPromise.then(swap, swap);
            }.bind(this));
          };
        }
        lazyObserve(entries) {
          super.lazyObserve(entries);
          if (!this.mdlibFirst) return;
          this.mdlibFirst = false;
          if (!this.lazyIdle) this.mdlibWatchWithMargin();    // nothing on the screen
        }
        // Every marker still waiting, watched with MathJax's margin from now on.
        mdlibWatchWithMargin() {
          mdlibThemeScripts();
          setTimeout(() => this.mdlibFindRest(), 0);
          var first = this.lazyObserver;
          if (first === this.mdlibMargin) return;
          this.lazyObserver = this.mdlibMargin;
          first.disconnect();
          for (var math of this.math) {
            if (math.lazyTypeset && math.lazyMarker) this.lazyObserver.observe(math.lazyMarker);
          }
        }
        // A formula still waiting for the screen is marked as measured, and remembered as not.
        getMetrics() {
          if (!this.processed.isSet("getMetrics")) {
            for (var math of this.math) {
              if (math.lazyTypeset && math.state() < STATE.METRICS) {
                math.state(STATE.METRICS);
                math.mdlibUnmeasured = true;
              }
            }
          }
          return super.getMetrics();
        }
        // Its marker gets no assistive MathML: the formula gets it once typeset.
        assistiveMml() {
          if (!this.processed.isSet("assistive-mml") && STATE.ASSISTIVEMML) {
            for (var math of this.math) {
              if (math.lazyTypeset && math.state() < STATE.ASSISTIVEMML) {
                math.state(STATE.ASSISTIVEMML);
              }
            }
          }
          return super.assistiveMml();
        }
        // Formulas coming into view: one compiled already (a TeX formula before one in view is
        // compiled with it) but never measured goes back to be measured, not just typeset.
        resetStates(set, state) {
          state = super.resetStates(set, state);
          set.forEach(function (id) {
            var math = this.lazyList.get(id);
            if (math.mdlibUnmeasured && math.state() >= STATE.METRICS) {
              math.state(STATE.METRICS - 1);
              state = Math.min(state, STATE.METRICS);
            }
            math.mdlibUnmeasured = false;
          }, this);
          return state;
        }
        // Everything at once (print, tests): such a formula is compiled again, which measures it.
        lazyTypesetAll() {
          return this.mdlibFindRest().then(() => {
            for (var math of this.math) {
              if (math.mdlibUnmeasured && math.lazyTypeset) math.lazyCompile = true;
              math.mdlibUnmeasured = false;
            }
            return super.lazyTypesetAll();
          });
        }
        // The first pass (MathJax's startup typeset) finds the formulas outside the article
        // (the contents in the sidebar) and the article's first FIRST_FOUND, in the order of
        // the page; the others are left to mdlibFindRest.
        findMath(options) {
          if (this.mdlibRest === undefined && !this.processed.isSet("findMath")) {
            var all = Array.from(this.adaptor.getElements(
              this.options.elements || [this.adaptor.body(this.document)], this.document));
            // Opened at an anchor in the article: its first FIRST_FOUND from a few before it.
            var inArticle = function (el) { return el.closest && el.closest(".bd-article"); };
            var article = all.filter(inArticle), start = 0, target = null;
            try {
              target = location.hash &&
                document.getElementById(decodeURIComponent(location.hash.slice(1)));
            } catch (e) { target = null; }
            if (target && inArticle(target)) {
              var after = article.findIndex(function (el) {
                return target.contains(el) ||
                  (target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
              });
              start = after < 0 ? Math.max(0, article.length - FIRST_FOUND)
                                : Math.max(0, after - ABOVE_ANCHOR);
            }
            var n = 0, first = [];
            this.mdlibRest = [];
            all.forEach(function (el) {
              if (!inArticle(el)) return first.push(el);
              if (n >= start && n < start + FIRST_FOUND) first.push(el);
              else this.mdlibRest.push(el);
              n += 1;
            }, this);
            if (this.mdlibRest.length) options = Object.assign({}, options, {elements: first});
          }
          return super.findMath(options);
        }
        // The rest of the page's formulas, found (each gets its marker, typeset as it comes
        // near the screen) once; at the latest before everything is typeset at once.
        mdlibFindRest() {
          if (!this.mdlibRestPromise) {
            var rest = this.mdlibRest || [];
            this.mdlibRest = [];
            var elements = this.options.elements;
            this.mdlibRestPromise = !rest.length ? Promise.resolve() :
              MathJax.typesetPromise(rest).then(() => { this.options.elements = elements; });
          }
          return this.mdlibRestPromise;
        }
      };
      return handler;
    }, 100);    // after ui/lazy and a11y/assistive-mml (priority 10) have extended the class
    var started = ready ? ready() : MathJax.startup.defaultReady();
    MathJax.startup.promise.then(done, mdlibThemeScripts);
    return started;
  };
})();
