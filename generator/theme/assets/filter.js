// Filters the recommendations page by policy area and unit. Without scripts every
// recommendation stays visible; this only hides the ones that do not match.
(function () {
  "use strict";
  var form = document.getElementById("rec-filters");
  if (!form) return;
  form.hidden = false;
  var selects = form.querySelectorAll("select[data-filter]");
  var items = document.querySelectorAll("article.rec");
  var sections = document.querySelectorAll("[data-area-section]");
  var count = form.querySelector(".filter-count");

  function apply() {
    var area = form.querySelector("[data-filter=area]").value;
    var unit = form.querySelector("[data-filter=units]").value;
    var shown = 0;
    items.forEach(function (item) {
      var ok = (!area || item.dataset.area === area) &&
        (!unit || (" " + item.dataset.units + " ").indexOf(" " + unit + " ") !== -1);
      item.hidden = !ok;
      if (ok) shown += 1;
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("article.rec:not([hidden])");
    });
    count.textContent = count.dataset.template
      .replace("{shown}", shown).replace("{total}", items.length);
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  // A profile links here as ?unit=<id>: open the page filtered for that unit.
  var wanted = new URLSearchParams(location.search).get("unit");
  var unitSelect = form.querySelector("[data-filter=units]");
  if (wanted && unitSelect.querySelector('option[value="' + wanted.replace(/[^a-z0-9_-]/gi, "") + '"]')) {
    unitSelect.value = wanted;
  }
  apply();
})();
