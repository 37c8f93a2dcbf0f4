// Sortable tables without a framework: every <table class="sortable"> gets a button in each
// column header; a click sorts the body rows by that column (numbers as numbers, in the
// page's number format), a second click reverses. aria-sort tells screen readers the order.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var decimalComma = lang !== "en";

  function key(cell) {
    if (!cell) return "";
    var raw = cell.getAttribute("data-sort");
    var text = raw !== null ? raw : cell.textContent.trim();
    var t = text.replace(/[\s\u00a0\u202f]/g, "").replace(/\u2212/g, "-");
    t = decimalComma ? t.replace(/,/g, ".") : t.replace(/,/g, "");
    var m = t.match(/^[+-]?\d+(\.\d+)?/);
    if (m && m[0].length >= t.replace(/%$/, "").length - 3) return parseFloat(m[0]);
    return text.toLocaleLowerCase(lang);
  }

  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      var xn = typeof x === "number", yn = typeof y === "number";
      var r = xn && yn ? x - y : xn ? -1 : yn ? 1 : String(x).localeCompare(String(y), lang);
      return asc ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      c.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, col, th); });
    });
  });
})();
