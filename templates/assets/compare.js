// Compare two units side by side from the page's own JSON data island (no framework,
// no request: the data travel inside the page, so this works from file:// too).
(function () {
  "use strict";
  var island = document.getElementById("compare-data");
  var table = document.getElementById("compare-table");
  if (!island || !table) return;
  var data = JSON.parse(island.textContent);
  var a = document.getElementById("compare-a");
  var b = document.getElementById("compare-b");

  function cell(tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }

  function render() {
    var ua = a.value, ub = b.value;
    var head = table.tHead, body = table.tBodies[0];
    head.textContent = "";
    body.textContent = "";
    var hr = head.insertRow();
    [table.dataset.indicator, data.units[ua], data.units[ub], table.dataset.measure]
      .forEach(function (t, i) {
        var th = cell("th", t, i === 1 || i === 2 ? "num" : "");
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
        th.colSpan = 4;
        th.scope = "colgroup";
        gr.appendChild(th);
      }
      var tr = body.insertRow();
      var label = cell("th", row.label);
      label.scope = "row";
      tr.appendChild(label);
      tr.appendChild(cell("td", row.values[ua] || "–", "num"));
      tr.appendChild(cell("td", row.values[ub] || "–", "num"));
      tr.appendChild(cell("td", row.measure || ""));
    });
  }
  a.addEventListener("change", render);
  b.addEventListener("change", render);
  render();
})();
