// The widget manager draws each explorer's figure from the stored state after the page has
// loaded, as an <img> without alt text. tools/site.py writes the cell's alt text into the
// widget view's data-alt attribute; copy it onto every image that view draws.
(function () {
  function label(root) {
    document.querySelectorAll("script[data-alt]").forEach(function (script) {
      var area = script.parentElement;
      if (!area) { return; }
      area.querySelectorAll("img:not([alt])").forEach(function (img) {
        img.setAttribute("alt", script.getAttribute("data-alt"));
      });
    });
  }
  var observer = new MutationObserver(label);
  document.addEventListener("DOMContentLoaded", function () {
    label();
    observer.observe(document.body, {childList: true, subtree: true});
  });
})();
