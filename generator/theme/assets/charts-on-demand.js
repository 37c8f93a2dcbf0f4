// A page's first chart is drawn in advance as static SVG, which is all a reader sees of
// it at first. The interactive version needs vega.js (about 900 KB), so it is loaded only
// when it is wanted: a reader points at a chart, touches it or moves the keyboard focus
// into it (its data table, downloads); a chart drawn only live (the charts further down a
// page, and the unit charts) nears the screen; the page is printed; or a reader asks for
// a PNG, which is made here in the browser from the live chart. Then charts.js turns
// every chart of the page live.
(function () {
  "use strict";
  var me = document.currentScript;
  var figures = document.querySelectorAll("figure.chart[data-chart]");
  if (!me || !figures.length) return;
  // Scripts run: a live-only chart keeps its room (charts.css) and its table, open for
  // readers without scripts, closes.
  document.documentElement.classList.add("charts-js");
  var started = false;
  var waiting = [];

  function load(src, then) {
    var s = document.createElement("script");
    s.src = src;
    if (then) s.onload = then;
    document.head.appendChild(s);
  }

  function ready() {
    var todo = waiting;
    waiting = [];
    for (var i = 0; i < todo.length; i++) todo[i]();
  }

  function start(then) {
    if (typeof then === "function") waiting.push(then);
    if (window.AimaqCharts) { ready(); return; }
    if (started) return;
    started = true;
    load(me.getAttribute("data-vega"), function () {
      load(me.getAttribute("data-charts"), ready);
    });
  }

  function download(figure, button) {
    return function () {
      if (button.getAttribute("aria-busy") === "true") return;
      button.setAttribute("aria-busy", "true");
      start(function () {
        window.AimaqCharts.download(figure, button.getAttribute("data-format")).then(
          function () { button.removeAttribute("aria-busy"); },
          function (err) {
            button.removeAttribute("aria-busy");
            if (window.console) console.warn("Aimaq chart download: " + err);
          });
      });
    };
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (seen) {
    for (var i = 0; i < seen.length; i++) {
      if (seen[i].isIntersecting) { observer.disconnect(); start(); return; }
    }
  }, {rootMargin: "400px 0px"}) : null;

  for (var i = 0; i < figures.length; i++) {
    var figure = figures[i];
    var body = figure.querySelector(".chart-body") || figure;
    body.addEventListener("pointerenter", start);
    body.addEventListener("touchstart", start, {passive: true});
    figure.addEventListener("focusin", start);
    var buttons = figure.querySelectorAll("button.chart-download");
    for (var j = 0; j < buttons.length; j++) {
      buttons[j].hidden = false;
      buttons[j].addEventListener("click", download(figure, buttons[j]));
    }
    if (figure.classList.contains("chart-drawn-live")) {
      var table = figure.querySelector("details.chart-data");
      if (table) table.open = false;
      if (observer) observer.observe(figure); else start();
    }
  }
  printing();

  // Printing: every chart is drawn live first (a chart drawn live only has no image to
  // print). Vega draws after the print dialog has taken its picture, so a live-only chart
  // not drawn by then prints its data table, open until the dialog closes.
  function printing() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      start();
      var live = document.querySelectorAll("figure.chart-drawn-live:not(.chart-is-live)");
      for (var i = 0; i < live.length; i++) {
        var table = live[i].querySelector("details.chart-data");
        if (table && !table.open) { table.open = true; opened.push(table); }
      }
    });
    window.addEventListener("afterprint", function () {
      for (var i = 0; i < opened.length; i++) opened[i].open = false;
      opened = [];
    });
  }
})();
