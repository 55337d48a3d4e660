/* The book on paper: see _ext/print_view.py. */
(function () {
  var opened = [];
  function prepare() {
    restore();
    document.querySelectorAll(".mdlib-stepper").forEach(function (root) {
      // The stepper keeps only its shown frame in the document and builds the others'
      // pictures when first shown: it gives every frame complete (mdlib.ui.stepper).
      var frames = root.mdlibFrames ? root.mdlibFrames() : [];
      if (frames.length < 2) { return; }
      var strip = document.createElement("div");
      strip.className = "mdlib-print-strip";
      frames.forEach(function (f) {
        var copy = f.cloneNode(true);
        copy.hidden = false;
        strip.appendChild(copy);
      });
      root.appendChild(strip);
      root.classList.add("mdlib-printing");
    });
    document.querySelectorAll("details.sd-dropdown, details.hide").forEach(function (d) {
      if (!d.open) { d.open = true; opened.push(d); }
    });
    // A picture held in the page loads when it nears the screen (loading="lazy",
    // _ext/offline_assets.py); on paper every one is shown.
    document.querySelectorAll('img[loading="lazy"]').forEach(function (img) {
      img.loading = "eager";
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
