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
   own place, as before, just later. */
(function () {
  "use strict";
  var config = window.MathJax = window.MathJax || {};
  var startup = config.startup = config.startup || {};
  var ready = startup.ready;
  startup.ready = function () {
    var STATE = MathJax._.core.MathItem.STATE;
    MathJax.startup.extendHandler(function (handler) {
      var Lazy = handler.documentClass;
      // Without IntersectionObserver, ui/lazy leaves the document class alone: so do we.
      if (!Lazy.prototype.lazyTypesetAll) return handler;
      handler.documentClass = class extends Lazy {
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
          for (var math of this.math) {
            if (math.mdlibUnmeasured && math.lazyTypeset) math.lazyCompile = true;
            math.mdlibUnmeasured = false;
          }
          return super.lazyTypesetAll();
        }
      };
      return handler;
    }, 100);    // after ui/lazy and a11y/assistive-mml (priority 10) have extended the class
    return ready ? ready() : MathJax.startup.defaultReady();
  };
})();
