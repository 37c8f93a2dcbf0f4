/* Aimaq charts: turn each chart figure into an interactive Vega-Lite chart, and make a
 * chart's PNG (and a live-only chart's SVG) download here, in the browser.
 *
 * Markup (templates/partials/chart.html):
 *   <figure class="chart" data-chart="ID" data-lang="kk">
 *     <img class="chart-static" src="ID.static.svg" alt="…">      shown without scripts / in print
 *     <div class="chart-live" hidden></div>                        filled here
 *     <script type="application/json" class="chart-spec">{…}</script>   the Vega-Lite spec
 *   </figure>
 * A figure may instead carry data-spec="path/to/ID.json" (fetched; works over http only).
 * A unit's map carries only {"$base": "ID", "highlight": "UNIT"} in its island and
 * data-spec-base="path/to/ID.spec.js": the region's map, one script per language that
 * every unit page shares (loaded once, works opened from disk too), drawn with that unit
 * highlighted; so a unit page does not repeat the region's shapes. A unit's profile
 * likewise carries {"$base": "ID", "params": {…}, "values": {"ranges": {"value": […]}},
 * "csv": {…}}: the shared spec with the unit's values swapped in (and what its CSV
 * download, made here, holds).
 * The image may be a unit's outline over the region's map (div.chart-stack) or, for a chart
 * drawn live only, an empty placeholder (svg.chart-placeholder) keeping its room.
 *
 * Downloads (window.AimaqCharts.download(figure, "png" | "svg" | "csv"), called by
 * charts-on-demand.js): the chart drawn afresh with DejaVu Sans (shipped beside this file,
 * loaded with the FontFace API only now), the font of the images drawn at build time, with
 * the title and subtitle above it and the source line below, as the build's SVG download
 * (generator/charts/render.py, standalone_svg) lays them out.
 *
 * CSP: no eval (vega-embed's `ast: true` uses its bundled expression interpreter), no inline
 * style (vega-embed's and vega-tooltip's own <style> elements are switched off; charts.css
 * styles them). Nothing is requested outside the site.
 */
(function () {
  "use strict";

  /* d3-format locales by language, built from babel's CLDR data at build time. */
  var LOCALES = /*AIMAQ_LOCALES*/{};
  var HERE = (function () {
    var me = document.currentScript;
    var src = me && me.src ? me.src : "";
    return src.slice(0, src.lastIndexOf("/") + 1);
  }());
  /* The static images' font (render.py STATIC_FONT); a private name for the shipped copy,
     so that the page's own text never switches to it. */
  var STATIC_FONT = "DejaVu Sans, Noto Sans, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif";
  var PNG_FONT = "Aimaq DejaVu Sans, " + STATIC_FONT;
  var PNG_SCALE = 2;
  var INK = "#1b1f24", MUTED = "#4f5a65";

  function localeFor(figure) {
    var lang = figure.getAttribute("data-lang") || document.documentElement.lang || "";
    return LOCALES[lang] || LOCALES[lang.split("-")[0]] || null;
  }

  var bases = {};
  function baseSpec(figure, id) {
    var src = figure.getAttribute("data-spec-base");
    var key = (figure.getAttribute("data-lang") || "") + "/" + id;
    if (!bases[key]) {
      bases[key] = new Promise(function (resolve, reject) {
        var known = window.AimaqSpecs && window.AimaqSpecs[key];
        if (known) { resolve(known); return; }
        if (!src) { reject(new Error("no base spec for " + id)); return; }
        var s = document.createElement("script");
        s.src = src;
        s.onload = function () {
          var spec = window.AimaqSpecs && window.AimaqSpecs[key];
          if (spec) { resolve(spec); } else { reject(new Error("base spec " + src + " lacks " + key)); }
        };
        s.onerror = function () { reject(new Error("base spec " + src + " did not load")); };
        document.head.appendChild(s);
      });
    }
    return bases[key];
  }

  /* The base chart with the figure's own part swapped in: the unit highlighted (the
     region's map), the parameters' values, and columns of named datasets (a unit's
     values in its profile). A copy, since several figures may share one base. */
  function overBase(figure, patch) {
    return baseSpec(figure, patch["$base"]).then(function (base) {
      var spec = JSON.parse(JSON.stringify(base));
      if ("highlight" in patch) {
        var table = spec.datasets && spec.datasets.table;
        for (var i = 0; table && i < table.length; i++) {
          table[i].hl = table[i].unit === patch.highlight;
        }
      }
      var params = patch.params || {};
      (spec.params || []).forEach(function (p) {
        if (p.name in params) { p.value = params[p.name]; }
      });
      var values = patch.values || {};
      Object.keys(values).forEach(function (name) {
        var rows = (spec.datasets && spec.datasets[name]) || [];
        Object.keys(values[name]).forEach(function (column) {
          var col = values[name][column];
          for (var i = 0; i < rows.length && i < col.length; i++) { rows[i][column] = col[i]; }
        });
      });
      return spec;
    });
  }

  function readSpec(figure) {
    var island = figure.querySelector("script.chart-spec");
    if (island) {
      var spec = JSON.parse(island.textContent);
      return spec && spec["$base"] ? overBase(figure, spec) : Promise.resolve(spec);
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
      live.setAttribute("role", "img");
      live.setAttribute("aria-label", altText(figure));
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

  function altText(figure) {
    var img = figure.querySelector(".chart-body img[alt]");
    if (img) { return img.getAttribute("alt"); }
    var placeholder = figure.querySelector(".chart-placeholder");
    return placeholder ? placeholder.getAttribute("aria-label") || "" : "";
  }

  /* ---- downloads ---------------------------------------------------------------- */

  var fontsLoaded = null;
  function loadFonts() {
    if (!fontsLoaded) {
      if (!window.FontFace || !document.fonts) {
        fontsLoaded = Promise.resolve();
      } else {
        fontsLoaded = Promise.all([["DejaVuSans.woff2", "normal"],
                                   ["DejaVuSans-Bold.woff2", "bold"]].map(function (f) {
          var face = new FontFace("Aimaq DejaVu Sans", "url(" + HERE + f[0] + ")",
                                  {weight: f[1]});
          /* Without the font (a page opened from a file may not load it), the system's. */
          return face.load().then(function (loaded) { document.fonts.add(loaded); },
                                  function () {});
        }));
      }
    }
    return fontsLoaded;
  }

  function text(figure, selector) {
    var el = figure.querySelector(selector);
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* The texts around the chart, wrapped to the image's width, with their positions (the
     layout of render.py's standalone_svg). */
  function layout(figure, w, h) {
    var measure = document.createElement("canvas").getContext("2d");
    var pad = 12;
    var width = Math.max(w, 360) + 2 * pad;
    var lines = [];
    var y = pad;
    function add(content, size, colour, weight, leading) {
      if (!content) { return; }
      measure.font = weight + " " + size + "px " + PNG_FONT;
      var words = content.split(" "), line = "";
      function put(l) { y += size * leading; lines.push({text: l, size: size, colour: colour, weight: weight, y: Math.round(y)}); }
      for (var i = 0; i < words.length; i++) {
        var candidate = line ? line + " " + words[i] : words[i];
        if (!line || measure.measureText(candidate).width <= width - 2 * pad) {
          line = candidate;
        } else {
          put(line);
          line = words[i];
        }
      }
      if (line) { put(line); }
    }
    add(text(figure, ".chart-title"), 16, INK, "bold", 1.3);
    add(text(figure, ".chart-subtitle"), 13, MUTED, "normal", 1.3);
    y += 8;
    var top = Math.round(y);
    y += h + 6;
    add(text(figure, ".chart-source"), 11, MUTED, "normal", 1.35);
    return {width: width, height: Math.floor(y + pad), pad: pad, top: top, lines: lines};
  }

  function escapeXml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function save(figure, blob, ext) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = figure.getAttribute("data-chart") + "." + ext;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.parentNode.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function drawn(figure, font) {
    return readSpec(figure).then(function (spec) {
      var options = {renderer: "svg", actions: false, ast: true, defaultStyle: false,
                     tooltip: false, config: {font: font}};
      var locale = localeFor(figure);
      if (locale) { options.formatLocale = locale; }
      return window.vegaEmbed(document.createElement("div"), spec, options);
    });
  }

  function png(figure) {
    return loadFonts().then(function () { return drawn(figure, PNG_FONT); })
      .then(function (result) {
        return result.view.toCanvas(PNG_SCALE).then(function (chart) {
          result.finalize();
          var w = chart.width / PNG_SCALE, h = chart.height / PNG_SCALE;
          var box = layout(figure, w, h);
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(box.width * PNG_SCALE);
          canvas.height = Math.round(box.height * PNG_SCALE);
          var ctx = canvas.getContext("2d");
          ctx.scale(PNG_SCALE, PNG_SCALE);
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(0, 0, box.width, box.height);
          box.lines.forEach(function (l) {
            ctx.font = l.weight + " " + l.size + "px " + PNG_FONT;
            ctx.fillStyle = l.colour;
            ctx.fillText(l.text, box.pad, l.y);
          });
          ctx.drawImage(chart, box.pad, box.top, w, h);
          return new Promise(function (resolve, reject) {
            canvas.toBlob(function (blob) {
              if (blob) { save(figure, blob, "png"); resolve(); }
              else { reject(new Error("no PNG")); }
            }, "image/png");
          });
        });
      });
  }

  function svg(figure) {
    return drawn(figure, STATIC_FONT).then(function (result) {
      return result.view.toSVG().then(function (inner) {
        result.finalize();
        var size = /width="([\d.]+)" height="([\d.]+)"/.exec(inner) || [0, 0, 0];
        var box = layout(figure, +size[1], +size[2]);
        var out = box.lines.map(function (l) {
          return '<text x="' + box.pad + '" y="' + l.y + '" font-size="' + l.size +
            '" fill="' + l.colour + '" font-weight="' + l.weight + '">' + escapeXml(l.text) +
            "</text>";
        }).join("");
        var nested = inner.trim().replace(/^<svg\b/, '<svg x="' + box.pad + '" y="' + box.top + '"');
        /* The namespaces as Vega's own SVG declares them. */
        var opening = /^<svg\b[^>]*>/.exec(inner.trim());
        var names = (opening ? opening[0].match(/\sxmlns(?::\w+)?="[^"]*"/g) : null) || [];
        var whole = "<svg" + names.join("") + ' version="1.1" width="' + box.width +
          '" height="' + box.height + '" viewBox="0 0 ' + box.width + " " + box.height + '">' +
          "<title>" + escapeXml(text(figure, ".chart-title")) + "</title><desc>" +
          escapeXml(text(figure, ".chart-description")) + "</desc>" +
          '<rect width="' + box.width + '" height="' + box.height + '" fill="white"/>' +
          '<g font-family="' + escapeXml(STATIC_FONT) + '">' + out + "</g>" + nested + "</svg>";
        save(figure, new Blob([whole], {type: "image/svg+xml"}), "svg");
      });
    });
  }

  /* A unit chart's CSV (it has no file): the columns its island names, from its dataset
     with the unit's values swapped in; as the build writes a chart's CSV (generator/charts/
     model.py, Chart.csv): a BOM, a decimal point, no grouping, an empty cell for none. */
  function csvCell(v) {
    var s = v === null || v === undefined || (typeof v === "number" && !isFinite(v)) ? "" : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function csv(figure) {
    var island = figure.querySelector("script.chart-spec");
    var patch = island ? JSON.parse(island.textContent) : null;
    if (!patch || !patch.csv) { return Promise.reject(new Error("no CSV for this chart")); }
    return readSpec(figure).then(function (spec) {
      var cols = patch.csv.columns;
      var rows = (spec.datasets && spec.datasets[patch.csv.data]) || [];
      var lines = [cols.map(function (c) { return csvCell(c[1]); }).join(",")];
      rows.forEach(function (r) {
        lines.push(cols.map(function (c) { return csvCell(r[c[0]]); }).join(","));
      });
      save(figure, new Blob(["\ufeff" + lines.join("\n") + "\n"], {type: "text/csv;charset=utf-8"}), "csv");
    });
  }

  window.AimaqCharts = {
    download: function (figure, format) {
      return format === "svg" ? svg(figure) : format === "csv" ? csv(figure) : png(figure);
    }
  };

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
