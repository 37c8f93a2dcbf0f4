// Starts Pagefind's search box. Pagefind loads its index with fetch(), which browsers
// refuse for file:// pages, so opened from disk the page says search needs a web server.
(function () {
  "use strict";
  var el = document.getElementById("search");
  if (!el) return;
  if (location.protocol === "file:") {
    document.querySelector(".search-file-note").hidden = false;
    return;
  }
  // Pagefind resolves a relative bundle path against its own script, and prefixes result
  // URLs (indexed from the site root) with baseUrl: give both from the site's real root, so
  // search works at a domain root and under a sub-path alike.
  var bundle = new URL(el.dataset.bundle, document.baseURI).pathname;
  /* global PagefindUI */
  new PagefindUI({
    element: "#search",
    bundlePath: bundle,
    baseUrl: bundle.replace(/pagefind\/$/, ""),
    showSubResults: true,
    showImages: false,
    translations: JSON.parse(el.dataset.translations)
  });
  // The page's visible label names Pagefind's input (axe: a title alone is no label).
  function labelInput() {
    var input = el.querySelector("input[type=text], input[type=search]");
    if (!input) return false;
    input.id = "search-input";
    input.setAttribute("aria-labelledby", "search-label");
    input.removeAttribute("title");
    return true;
  }
  if (!labelInput()) {
    var watch = new MutationObserver(function () { if (labelInput()) watch.disconnect(); });
    watch.observe(el, {childList: true, subtree: true});
  }
})();
