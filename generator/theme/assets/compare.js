// Compare two units side by side from the page's own JSON data island (no framework,
// no request: the data travel inside the page, so this works from file:// too): every
// value of both, their difference, and their places on the headline measures as a chart.
(function () {
  "use strict";
  var island = document.getElementById("compare-data");
  var table = document.getElementById("compare-table");
  if (!island || !table) return;
  var data = JSON.parse(island.textContent);
  var a = document.getElementById("compare-a");
  var b = document.getElementById("compare-b");
  var SVG = "http://www.w3.org/2000/svg";

  function cell(tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }

  // Numbers as the site writes them in this language (the symbols come from babel's
  // CLDR data at build time, the same as every number of the pages).
  function format(value, decimals) {
    var fixed = Math.abs(value).toFixed(decimals).split(".");
    var whole = fixed[0].replace(/\B(?=(\d{3})+(?!\d))/g, data.symbols.group);
    var text = fixed.length > 1 ? whole + data.symbols.decimal + fixed[1] : whole;
    if (Number(Math.abs(value).toFixed(decimals)) === 0) return text;
    return (value > 0 ? "+" : "\u2212") + text;
  }

  function difference(row, ua, ub) {
    if (!row.raw || !(ua in row.raw) || !(ub in row.raw)) return "–";
    return format(row.raw[ua] - row.raw[ub], row.decimals);
  }

  function svg(tag, attrs, text) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // One row per headline measure: its name, a line with every unit's place as a small tick
  // and the two chosen units marked (a circle, a square), then their places in words. The
  // words are HTML, so they stay readable at any width; only the line is drawn.
  function drawChart(ua, ub) {
    var figure = document.getElementById("compare-chart");
    if (!figure || !data.chart || !data.chart.length) return;
    var body = figure.querySelector(".compare-chart-body");
    body.textContent = "";
    figure.hidden = false;
    // Drawn at the width it is shown at (and again when that changes): marks stay round.
    var width = Math.max(200, Math.round(body.clientWidth || 600)), pad = 8;
    var place = figure.dataset.place;
    data.chart.forEach(function (m) {
      function x(rank) {
        var share = m.of > 1 ? (rank - 1) / (m.of - 1) : 0.5;
        if (m.right === 1) share = 1 - share;           // rank 1 drawn on the right
        return pad + share * (width - 2 * pad);
      }
      var row = document.createElement("div");
      row.className = "compare-measure";
      // The measure's name and what rank 1 means on it: places only read right with it.
      row.appendChild(cell("p", m.one ? m.label + " (" + m.one + ")" : m.label,
                           "compare-label"));
      var line = svg("svg", {viewBox: "0 0 " + width + " 24", class: "compare-svg",
                             "aria-hidden": "true", focusable: "false"});
      line.appendChild(svg("line", {x1: pad, x2: width - pad, y1: 12, y2: 12, class: "compare-axis"}));
      Object.keys(m.ranks).forEach(function (u) {
        line.appendChild(svg("line", {x1: x(m.ranks[u]), x2: x(m.ranks[u]), y1: 7, y2: 17,
                                      class: "compare-tick"}));
      });
      var said = document.createElement("p");
      said.className = "compare-places";
      [[ua, "compare-a"], [ub, "compare-b"]].forEach(function (pair) {
        var u = pair[0];
        if (!(u in m.ranks)) return;
        var cx = x(m.ranks[u]);
        line.appendChild(pair[1] === "compare-a"
          ? svg("circle", {cx: cx, cy: 12, r: 6, class: pair[1]})
          : svg("rect", {x: cx - 5, y: 7, width: 10, height: 10, class: pair[1]}));
        var words = cell("span", place.replace("{unit}", data.units[u])
          .replace("{rank}", m.ranks[u]).replace("{value}", m.values[u]), "key-" + pair[1]);
        said.appendChild(words);
      });
      row.appendChild(line);
      row.appendChild(said);
      body.appendChild(row);
    });
  }

  function render() {
    var ua = a.value, ub = b.value;
    var head = table.tHead, body = table.tBodies[0];
    head.textContent = "";
    body.textContent = "";
    var hr = head.insertRow();
    [table.dataset.indicator, data.units[ua], data.units[ub], table.dataset.difference,
     table.dataset.measure]
      .forEach(function (t, i) {
        var th = cell("th", t, i >= 1 && i <= 3 ? "num" : "");
        th.scope = "col";
        hr.appendChild(th);
      });
    var group = null;
    data.rows.forEach(function (row) {
      if (!(ua in row.values) && !(ub in row.values)) return;
      if (row.group !== group) {
        group = row.group;
        var gr = body.insertRow();
        var th = cell("th", group, "group-row");
        th.colSpan = 5;
        th.scope = "colgroup";
        gr.appendChild(th);
      }
      var tr = body.insertRow();
      var label = cell("th", row.label);
      label.scope = "row";
      tr.appendChild(label);
      tr.appendChild(cell("td", row.values[ua] || "–", "num"));
      tr.appendChild(cell("td", row.values[ub] || "–", "num"));
      tr.appendChild(cell("td", difference(row, ua, ub), "num"));
      tr.appendChild(cell("td", row.measure || ""));
    });
    drawChart(ua, ub);
  }
  a.addEventListener("change", render);
  b.addEventListener("change", render);
  var resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(function () { drawChart(a.value, b.value); }, 150);
  });
  render();
})();
