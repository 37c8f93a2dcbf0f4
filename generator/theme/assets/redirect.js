// A page's short address (<lang>/…) is a stub that leads to its permanent address
// (<edition>/<lang>/…) by a meta refresh; this keeps the #fragment the reader asked for,
// which the refresh drops. CSP forbids inline script, hence a file.
(function () {
  var meta = document.querySelector('meta[http-equiv="refresh"]');
  if (!meta) return;
  var url = (meta.getAttribute("content") || "").replace(/^[^;]*;\s*url=/i, "");
  if (url) location.replace(new URL(url, location.href).href + location.hash);
})();
