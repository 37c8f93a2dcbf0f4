/* Aimaq charts: turn each static chart figure into an interactive Vega-Lite chart.
 *
 * Markup (templates/partials/chart.html):
 *   <figure class="chart" data-chart="ID" data-lang="kk">
 *     <img class="chart-static" src="ID.static.svg" alt="…">      shown without scripts / in print
 *     <div class="chart-live" hidden></div>                        filled here
 *     <script type="application/json" class="chart-spec">{…}</script>   the Vega-Lite spec
 *   </figure>
 * A figure may instead carry data-spec="path/to/ID.json" (fetched; works over http only).
 *
 * CSP: no eval (vega-embed's `ast: true` uses its bundled expression interpreter), no inline
 * style (vega-embed's and vega-tooltip's own <style> elements are switched off; charts.css
 * styles them). Nothing is requested outside the site.
 */
(function () {
  "use strict";

  /* d3-format locales by language, built from babel's CLDR data at build time. */
  var LOCALES = /*AIMAQ_LOCALES*/{};

  function localeFor(figure) {
    var lang = figure.getAttribute("data-lang") || document.documentElement.lang || "";
    return LOCALES[lang] || LOCALES[lang.split("-")[0]] || null;
  }

  function readSpec(figure) {
    var island = figure.querySelector("script.chart-spec");
    if (island) {
      return Promise.resolve(JSON.parse(island.textContent));
    }
    var url = figure.getAttribute("data-spec");
    if (url && window.fetch && location.protocol !== "file:") {
      return fetch(url, {credentials: "same-origin"}).then(function (r) {
        if (!r.ok) { throw new Error("chart spec " + url + ": HTTP " + r.status); }
        return r.json();
      });
    }
    return Promise.reject(new Error("no chart spec"));
  }

  function embed(figure) {
    var live = figure.querySelector(".chart-live");
    if (!live || figure.classList.contains("chart-is-live")) { return; }
    var locale = localeFor(figure);
    var font = window.getComputedStyle(figure).fontFamily;
    readSpec(figure).then(function (spec) {
      var options = {
        renderer: "svg",
        actions: false,
        ast: true,                   /* CSP: interpret expressions, never compile them */
        defaultStyle: false,         /* CSP: no inline <style>; see charts.css */
        tooltip: {disableDefaultStyle: true, theme: "light"},
        config: font ? {font: font} : {}
      };
      if (locale) { options.formatLocale = locale; }
      return window.vegaEmbed(live, spec, options);
    }).then(function () {
      /* The figure's description and data table are the text alternative; the live SVG is
         announced once as an image with the static image's alt text, not mark by mark. */
      var img = figure.querySelector(".chart-static");
      live.setAttribute("role", "img");
      live.setAttribute("aria-label", img ? img.getAttribute("alt") : "");
      var svg = live.querySelector("svg");
      if (svg) {
        svg.setAttribute("aria-hidden", "true");
        /* A viewBox lets the live chart fill its column like the image (charts.css). */
        if (!svg.getAttribute("viewBox") && svg.getAttribute("width")) {
          svg.setAttribute("viewBox", "0 0 " + svg.getAttribute("width") + " " +
                           svg.getAttribute("height"));
        }
      }
      live.hidden = false;
      figure.classList.add("chart-is-live");
    }).catch(function (err) {
      /* The static image stays; say why in the console for whoever maintains the site. */
      live.hidden = true;
      if (window.console) { console.warn("Aimaq chart " + figure.getAttribute("data-chart") + ": " + err); }
    });
  }

  function start() {
    if (typeof window.vegaEmbed !== "function") { return; }
    var figures = document.querySelectorAll("figure.chart[data-chart]");
    for (var i = 0; i < figures.length; i++) { embed(figures[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
