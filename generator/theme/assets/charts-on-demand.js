// Every chart is drawn in advance as a static SVG, which is all a reader sees at first.
// The interactive version needs vega.js (about 900 KB), so it is loaded only when a reader
// reaches for a chart: points at it, touches it, or moves the keyboard focus into it
// (its data table, downloads). Then charts.js turns every chart of the page live.
(function () {
  "use strict";
  var me = document.currentScript;
  var figures = document.querySelectorAll("figure.chart[data-chart]");
  if (!me || !figures.length) return;
  var started = false;

  function load(src, then) {
    var s = document.createElement("script");
    s.src = src;
    if (then) s.onload = then;
    document.head.appendChild(s);
  }

  function start() {
    if (started) return;
    started = true;
    load(me.getAttribute("data-vega"), function () { load(me.getAttribute("data-charts")); });
  }

  for (var i = 0; i < figures.length; i++) {
    var body = figures[i].querySelector(".chart-body") || figures[i];
    body.addEventListener("pointerenter", start);
    body.addEventListener("touchstart", start, {passive: true});
    figures[i].addEventListener("focusin", start);
  }
})();
