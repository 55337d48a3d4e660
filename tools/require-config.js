// The ipywidgets embed bundle loads its icon fonts relative to its own requirejs module URI,
// which requirejs resolves against the page's folder ("book/@jupyter-widgets/..."). Map that
// module path to the folder this script was served from (_static/widgets/), at any page depth.
(function () {
  var src = document.currentScript.src;
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": src.slice(0, src.lastIndexOf("/")) } });
})();
