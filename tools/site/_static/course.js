// Accessibility touches for the course website (tools/site.py copies this into _static/).
// The widget manager draws each explorer's figure from the stored state after the page has
// loaded, as an <img> without alt text. tools/site.py writes the cell's alt text into the
// widget view's data-alt attribute; copy it onto every image that view draws.
(function () {
  // ipywidgets draws a slider handle (role="slider") without a name: name it after the
  // widget's description (axe-core: aria-input-field-name).
  function nameControls() {
    document.querySelectorAll("[role=slider]:not([aria-label])").forEach(function (handle) {
      var widget = handle.closest(".jupyter-widgets");
      var text = widget && widget.querySelector(".widget-label");
      var name = text && (text.getAttribute("title") || text.textContent).trim();
      handle.setAttribute("aria-label", name || "slider");
    });
  }
  function label() {
    nameControls();
    document.querySelectorAll("script[data-alt]").forEach(function (script) {
      var area = script.parentElement;
      if (!area) { return; }
      area.querySelectorAll("img:not([alt])").forEach(function (img) {
        img.setAttribute("alt", script.getAttribute("data-alt"));
      });
    });
  }
  var pending = false;  // MathJax and the widgets mutate the page a lot: label once per frame
  var observer = new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () { pending = false; label(); });
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    label();
    observer.observe(document.body, {childList: true, subtree: true});
  });
})();
