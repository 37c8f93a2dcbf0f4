// aimaq serve only (never part of a built site): reloads the page after a rebuild and
// shows a failed build's error on top of the page. Served from the site's own origin, so
// the pages' Content-Security-Policy (scripts and connections to 'self' only) allows it.
(function () {
  "use strict";
  var STATUS = "/__aimaq/status";
  var seen = null;

  function overlay() {
    var box = document.getElementById("aimaq-overlay");
    if (box) return box;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/__aimaq/overlay.css";
    document.head.appendChild(css);
    box = document.createElement("div");
    box.id = "aimaq-overlay";
    box.setAttribute("role", "alert");
    var title = document.createElement("strong");
    title.textContent = "aimaq: the build failed";
    var text = document.createElement("pre");
    var help = document.createElement("p");
    help.textContent = "Fix the file and save it: the page reloads by itself.";
    box.appendChild(title);
    box.appendChild(text);
    box.appendChild(help);
    document.body.appendChild(box);
    return box;
  }

  function show(error) {
    var box = overlay();
    var text = box.querySelector("pre");
    if (!text) {
      text = document.createElement("pre");
      box.appendChild(text);
    }
    text.textContent = error;
  }

  function poll() {
    fetch(STATUS, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (seen === null) {
          seen = status.version;
          if (status.error) show(status.error);
        } else if (status.version !== seen) {
          seen = status.version;
          if (status.error) {
            show(status.error);
          } else {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(poll, 150);
      })
      .catch(function () { window.setTimeout(poll, 1000); });
  }

  poll();
})();
