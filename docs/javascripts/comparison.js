// The comparison table: filters (role, decade, region, each test's verdict) and sorting by any
// column, with the vendored tablesort (javascripts/vendor/tablesort.min.js, from npm; see
// package.json). No request leaves the page. Without this script the form stays hidden and
// the table is a plain table in the site's order. On a page of a long comparison (/comparison/2/)
// the filters and the sorting apply to the rows of that page, and the status says so.
(function () {
  "use strict";

  function announce(node, message) {
    node.textContent = "";
    window.setTimeout(function () { node.textContent = message; }, 50);
  }

  function rowMatches(row, fields) {
    return fields.every(function (field) {
      if (!field.value) return true;
      if (field.name === "decade") {
        return (row.getAttribute("data-decades") || "").split(" ").indexOf(field.value) !== -1;
      }
      return row.getAttribute("data-" + field.name) === field.value;
    });
  }

  function initFilters(form, table) {
    var status = form.querySelector("[data-ir-filter-status]");
    var fields = Array.prototype.slice.call(form.querySelectorAll("select"));
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);

    function apply(announceIt) {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = rowMatches(row, fields);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      // On a page of a long comparison the filters choose among the rows of that page.
      var scope = form.getAttribute("data-ir-scope");
      var message = shown === rows.length
        ? "Showing all " + rows.length + " cases" + (scope ? " " + scope : "") + "."
        : "Showing " + shown + " of " + (scope ? "the " : "") + rows.length + " cases" + (scope ? " " + scope : "") + ".";
      if (announceIt) {
        announce(status, message);
      } else {
        status.textContent = message;
      }
    }

    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { apply(true); }, 0);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    table.addEventListener("ir-verdicts-changed", function () { apply(false); });
    form.hidden = false;
    apply(false);
  }

  function initSort(table) {
    if (typeof window.Tablesort !== "function") return;
    var status = document.querySelector("[data-ir-filter-status]");
    new window.Tablesort(table);
    // tablesort sorts on Enter; a heading that acts as a button also answers Space.
    table.querySelectorAll("thead th").forEach(function (th) {
      th.addEventListener("keydown", function (event) {
        if (event.key === " ") {
          event.preventDefault();
          th.click();
        }
      });
    });
    var hint = table.querySelector("[data-ir-sort-hint]");
    if (hint) hint.hidden = false;
    table.addEventListener("afterSort", function () {
      var header = table.querySelector("thead th[aria-sort]");
      if (header && status) {
        announce(status, "Sorted by " + header.textContent.trim() + ", " +
          header.getAttribute("aria-sort") + ".");
      }
    });
  }

  function init() {
    var table = document.querySelector("[data-ir-sortable]");
    if (!table) return;
    var form = document.querySelector("[data-ir-filters]");
    if (form) initFilters(form, table);
    initSort(table);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
