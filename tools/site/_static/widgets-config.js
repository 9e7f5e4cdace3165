// Tell require.js where the widget manager's modules live. Each bundled module finds its fonts
// and styles next to its own address; without this they resolve to @jupyter-widgets/... next
// to the page (a CDN layout), which does not exist in the site.
(function () {
  var lib = "slides/lib/html-manager";
  var paths = {"@jupyter-widgets/html-manager/dist": lib};
  ["base", "base7", "controls", "controls7", "html-manager"].forEach(function (name) {
    paths["@jupyter-widgets/" + name] = lib + "/" + name;
  });
  require.config({paths: paths});
})();
