// The embedded ipywidgets manager typesets widget labels with the MathJax 2 call
// MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]). The book ships MathJax 3, which has
// no Hub: give it one that forwards to MathJax 3's typesetPromise once MathJax is ready.
(function () {
  var M = window.MathJax;
  if (!M || M.Hub) { return; }
  M.Hub = {
    Queue: function (job) {
      var element = job && job[2];
      var ready = (M.startup && M.startup.promise) || Promise.resolve();
      ready.then(function () {
        if (M.typesetPromise) { return M.typesetPromise(element ? [element] : undefined); }
      });
    }
  };
})();
