/* The book on paper: see _ext/print_view.py. Loaded in <head>, before the steppers run. */
(function () {
  var FRAMES = "__mdlibFrames";
  function isStepper(el) { return el.nodeType === 1 && el.classList.contains("mdlib-stepper"); }
  function keep(root, node) {
    if (node.nodeType !== 1 || !node.hasAttribute("data-frame")) { return; }
    (root[FRAMES] = root[FRAMES] || {})[node.getAttribute("data-frame")] = node;
  }
  // A stepper detaches all frames but the first as it sets up: keep a reference to each.
  var watch = new MutationObserver(function (records) {
    records.forEach(function (r) {
      if (isStepper(r.target)) {
        Array.prototype.forEach.call(r.removedNodes, function (n) { keep(r.target, n); });
      }
    });
  });
  watch.observe(document.documentElement, {childList: true, subtree: true});
  window.addEventListener("load", function () {
    watch.takeRecords();
    watch.disconnect();
  });
  var opened = [];
  function prepare() {
    restore();
    document.querySelectorAll(".mdlib-stepper").forEach(function (root) {
      var frames = Object.assign({}, root[FRAMES] || {});
      root.querySelectorAll(":scope > [data-frame]").forEach(function (f) {
        frames[f.getAttribute("data-frame")] = f;
      });
      var keys = Object.keys(frames).sort(function (a, b) { return a - b; });
      if (keys.length < 2) { return; }
      var strip = document.createElement("div");
      strip.className = "mdlib-print-strip";
      keys.forEach(function (k) {
        var copy = frames[k].cloneNode(true);
        copy.hidden = false;
        strip.appendChild(copy);
      });
      root.appendChild(strip);
      root.classList.add("mdlib-printing");
    });
    document.querySelectorAll("details.sd-dropdown, details.hide").forEach(function (d) {
      if (!d.open) { d.open = true; opened.push(d); }
    });
  }
  function restore() {
    document.querySelectorAll(".mdlib-print-strip").forEach(function (s) {
      s.parentNode.classList.remove("mdlib-printing");
      s.parentNode.removeChild(s);
    });
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  }
  window.mdlibPrint = {prepare: prepare, restore: restore};
  window.addEventListener("beforeprint", prepare);
  window.addEventListener("afterprint", restore);
})();
