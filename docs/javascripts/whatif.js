// What-if: the reader switches a contested criterion to its recorded alternative reading and
// sees the verdicts recomputed on the spot. The rule is the build's (macros/derive.py,
// verdict_for), applied to the criteria, concepts and profiles the page carries as JSON
// (#ir-whatif-data, written by Site.whatif); tests/test_whatif.py runs this function and the
// Python one on every case and every combination of readings and requires the same answer.
// The state lives in the address (?alt=case:criterion,case:criterion) so a reader can share
// it. A comparison of many cases is split into numbered pages, each carrying the data of its
// own rows: readings of cases on other pages are kept in the address as they are, and the
// links to the other pages carry the whole state along. Without this script the pages show
// the coded verdicts and the static list of alternatives.
//
// On the comparison, each contested value has a marker with the other reading just below
// it: in the page, a link to its row (which shows the row's readings when followed); here,
// a button that opens and closes its own reading in place. The what-if switch is added to a reading when it is first
// opened (or switched on by the address), not to every reading at start: the table's start-up
// work is kept small (bench/NOTES.md, the comparison's Lighthouse score).
(function () {
  "use strict";

  // The verdict rule. `values` maps criterion id -> value id. The concept that matches on
  // more criteria than any other, and on more than half, is the verdict; otherwise none.
  function verdictFor(data, values, test) {
    var scope = data.tests[test];
    var matches = {};
    var best = 0;
    scope.concepts.forEach(function (conceptId) {
      var profile = data.concepts[conceptId].profile;
      matches[conceptId] = scope.criteria.filter(function (c) {
        return values[c] === profile[c];
      });
      best = Math.max(best, matches[conceptId].length);
    });
    var contenders = scope.concepts.filter(function (c) {
      return matches[c].length === best;
    });
    var decided = contenders.length === 1 && best * 2 > scope.criteria.length;
    return {
      concept: decided ? contenders[0] : null,
      contenders: contenders,
      best: best,
      total: scope.criteria.length,
      matches: matches
    };
  }

  function readData() {
    var node = document.getElementById("ir-whatif-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  // Readings of cases this page does not carry (other pages of the comparison): kept in the
  // address as they came, for the pages that carry them.
  var kept = [];
  var KEY = /^[a-z0-9]+(-[a-z0-9]+)*:[a-z0-9]+(-[a-z0-9]+)*$/;

  // The alternatives switched on, as a set of "case:criterion" keys.
  function readState(data) {
    var state = {};
    var raw = new URLSearchParams(window.location.search).get("alt") || "";
    kept = [];
    raw.split(",").forEach(function (key) {
      var parts = key.split(":");
      var c = data.cases[parts[0]];
      if (parts.length === 2 && c && Object.prototype.hasOwnProperty.call(c.alternatives, parts[1])) {
        state[key] = true;
      } else if (!c && KEY.test(key) && kept.indexOf(key) === -1) {
        kept.push(key);
      }
    });
    return state;
  }

  function withState(address, state) {
    var url = new URL(address, window.location.href);
    var keys = Object.keys(state).concat(kept).sort();
    if (keys.length) {
      url.searchParams.set("alt", keys.join(","));
    } else {
      url.searchParams.delete("alt");
    }
    // Readable: the ids contain no characters that need escaping but the separators.
    return url.toString().replace(/%3A/g, ":").replace(/%2C/g, ",");
  }

  function stateUrl(state) {
    return withState(window.location.href, state);
  }

  // The links to the other pages of a long comparison carry the state along.
  function carryState(state) {
    document.querySelectorAll("[data-ir-pager] a, a[data-ir-pager-link]").forEach(function (a) {
      a.href = withState(a.href, state);
    });
  }

  function valuesFor(data, caseId, state) {
    var c = data.cases[caseId];
    var values = Object.assign({}, c.values);
    Object.keys(c.alternatives).forEach(function (criterion) {
      if (state[caseId + ":" + criterion]) {
        values[criterion] = c.alternatives[criterion];
      }
    });
    return values;
  }

  function verdictText(data, v) {
    return v.concept ? data.concepts[v.concept].title : "Indeterminate";
  }

  // As on the case page's list of alternatives: a verdict differs when its concept does
  // (an indeterminate verdict with other closest concepts is still indeterminate).
  function sameVerdict(a, b) {
    return a.concept === b.concept;
  }

  function joinTitles(titles) {
    return titles.length > 1
      ? titles.slice(0, -1).join(", ") + " and " + titles[titles.length - 1]
      : titles[0];
  }

  // The same badge as the template's verdict_badge macro.
  function badge(data, v) {
    var span = document.createElement("span");
    span.className = "ir-verdict ir-verdict--" + (v.concept || "indeterminate");
    if (v.concept) {
      var link = document.createElement("a");
      link.href = data.concepts[v.concept].href;
      link.textContent = data.concepts[v.concept].title;
      span.appendChild(link);
      return [span];
    }
    span.textContent = "Indeterminate";
    var detail = document.createElement("span");
    detail.className = "ir-verdict-detail";
    var titles = v.contenders.map(function (c) { return data.concepts[c].title; });
    detail.textContent = "(closest: " + joinTitles(titles) + ", " + v.best + " of " + v.total +
      " criteria" + (titles.length > 1 ? " each" : "") + ")";
    return [span, document.createTextNode(" "), detail];
  }

  // A verdict, marked when the reader's readings change it.
  function showVerdict(cell, data, v, coded) {
    cell.replaceChildren.apply(cell, badge(data, v));
    if (!sameVerdict(v, coded)) {
      var note = document.createElement("span");
      note.className = "ir-whatif-note";
      note.textContent = "what-if; coded: " + verdictText(data, coded);
      cell.append(" ", note);
      cell.classList.add("ir-whatif-changed");
    } else {
      cell.classList.remove("ir-whatif-changed");
    }
  }

  function announce(node, message) {
    if (!node) return;
    node.textContent = "";
    window.setTimeout(function () { node.textContent = message; }, 50);
  }

  function verdictKey(v) {
    return v.concept || "indeterminate";
  }

  // ----- the comparison table ----------------------------------------------------------------

  function initTable(table, data) {
    var bar = document.querySelector("[data-ir-whatif-bar]");
    var status = bar && bar.querySelector("[data-ir-whatif-status]");
    var summary = bar && bar.querySelector("[data-ir-whatif-summary]");
    var reset = bar && bar.querySelector("[data-ir-whatif-reset]");
    var shareLink = bar && bar.querySelector("[data-ir-whatif-link]");
    var state = readState(data);
    var coded = {};
    Object.keys(data.cases).forEach(function (caseId) {
      coded[caseId] = {};
      data.cases[caseId].applies.forEach(function (test) {
        coded[caseId][test] = verdictFor(data, data.cases[caseId].values, test);
      });
    });

    function keyOf(cell) {
      return cell.closest("tr").getAttribute("data-case") + ":" + cell.getAttribute("data-criterion");
    }

    // The value shown in a contested cell: its first text, put in a span when first changed.
    function valueIn(cell) {
      var span = cell.querySelector("[data-ir-value]");
      if (!span) {
        span = document.createElement("span");
        span.setAttribute("data-ir-value", "");
        cell.insertBefore(span, cell.firstChild);
        span.appendChild(span.nextSibling);
      }
      return span;
    }

    // The what-if switch of a contested cell, made when first needed.
    function toggleIn(cell) {
      var button = cell.querySelector("[data-ir-whatif-toggle]");
      if (!button) {
        var key = keyOf(cell);
        button = document.createElement("button");
        button.type = "button";
        button.className = "ir-whatif-toggle";
        button.setAttribute("data-ir-whatif-toggle", key);
        var on = Boolean(state[key]);
        button.setAttribute("aria-pressed", String(on));
        button.textContent = on ? "Back to the coded reading" : "Try this reading";
        cell.querySelector(".ir-contested__more").appendChild(button);
      }
      return button;
    }

    // Opens or closes a contested marker's reading (the marker is a button from here on).
    function setOpen(marker, open) {
      var more = marker.nextElementSibling;
      if (open) {
        more.removeAttribute("hidden");
        toggleIn(marker.closest("td"));
      } else {
        more.setAttribute("hidden", "until-found");
      }
      marker.setAttribute("aria-expanded", String(open));
    }

    function renderCase(caseId) {
      var row = document.getElementById("row-" + caseId);
      var c = data.cases[caseId];
      var changed = [];
      row.querySelectorAll("td[data-criterion]").forEach(function (cell) {
        var key = keyOf(cell);
        var criterion = key.split(":")[1];
        var on = Boolean(state[key]);
        var button = on ? toggleIn(cell) : cell.querySelector("[data-ir-whatif-toggle]");
        var value = on ? c.alternatives[criterion] : c.values[criterion];
        var label = data.criteria[criterion].values[value];
        valueIn(cell).textContent = label;
        var note = cell.querySelector(".ir-whatif-note");
        if (on && !note) {
          note = document.createElement("span");
          note.className = "ir-whatif-note";
          valueIn(cell).after(note);
        }
        if (note) {
          if (on) {
            note.textContent = "what-if; coded: " + data.criteria[criterion].values[c.values[criterion]];
          } else {
            note.remove();
          }
        }
        cell.setAttribute("data-sort", label);
        cell.classList.toggle("ir-whatif-on", on);
        if (button) {
          button.setAttribute("aria-pressed", String(on));
          button.textContent = on ? "Back to the coded reading" : "Try this reading";
        }
      });
      var values = valuesFor(data, caseId, state);
      c.applies.forEach(function (test) {
        var v = verdictFor(data, values, test);
        var cell = row.querySelector('[data-ir-verdict="' + test + '"]');
        showVerdict(cell, data, v, coded[caseId][test]);
        row.setAttribute("data-verdict-" + test, verdictKey(v));
        if (!sameVerdict(v, coded[caseId][test])) {
          changed.push(data.tests[test].title + ": " + verdictText(data, v) +
            " (coded: " + verdictText(data, coded[caseId][test]) + ")");
        }
      });
      return changed;
    }

    // The legend counts every case, also those on other pages of a long comparison: each
    // count moves by the difference the switched readings make to the rows shown here.
    function rowsWith(test, key) {
      return table.querySelectorAll("tbody tr[data-verdict-" + test + '="' + key + '"]').length;
    }
    var legend = Array.prototype.map.call(document.querySelectorAll("[data-ir-count]"), function (node) {
      var parts = node.getAttribute("data-ir-count").split(":");
      return { node: node, test: parts[0], key: parts[1], base: Number(node.textContent), coded: rowsWith(parts[0], parts[1]) };
    });

    function recount() {
      legend.forEach(function (item) {
        item.node.textContent = String(item.base + rowsWith(item.test, item.key) - item.coded);
      });
    }

    function renderBar() {
      var keys = Object.keys(state);
      var cases = Object.keys(data.cases).filter(function (caseId) {
        return data.cases[caseId].applies.some(function (test) {
          return !sameVerdict(verdictFor(data, valuesFor(data, caseId, state), test), coded[caseId][test]);
        });
      });
      summary.textContent = (keys.length
        ? keys.length + (keys.length === 1 ? " reading" : " readings") + " switched; the verdicts of " +
          cases.length + (cases.length === 1 ? " case differ" : " cases differ") + " from the coded ones."
        : "") + (kept.length
        ? (keys.length ? " " : "") + kept.length + (kept.length === 1 ? " reading is" : " readings are") +
          " switched for cases on other pages of the comparison, which the links to those pages keep."
        : "");
      reset.hidden = keys.length + kept.length === 0;
      shareLink.hidden = keys.length + kept.length === 0;
      shareLink.href = stateUrl(state);
      window.history.replaceState(null, "", stateUrl(state));
      carryState(state);
      recount();
      table.dispatchEvent(new CustomEvent("ir-verdicts-changed", { bubbles: true }));
    }

    table.addEventListener("click", function (event) {
      var marker = event.target.closest("a.ir-contested");
      if (marker) {
        event.preventDefault();
        setOpen(marker, marker.getAttribute("aria-expanded") !== "true");
        return;
      }
      var button = event.target.closest("[data-ir-whatif-toggle]");
      if (!button) return;
      var key = button.getAttribute("data-ir-whatif-toggle");
      var parts = key.split(":");
      if (state[key]) {
        delete state[key];
      } else {
        state[key] = true;
      }
      var changed = renderCase(parts[0]);
      renderBar();
      var c = data.cases[parts[0]];
      var value = state[key] ? c.alternatives[parts[1]] : c.values[parts[1]];
      announce(status, c.title + ", " + data.criteria[parts[1]].title + ": " +
        data.criteria[parts[1]].values[value] + ". " +
        (changed.length ? changed.join("; ") + "." : "Verdicts as coded."));
    });

    reset.addEventListener("click", function () {
      var cases = {};
      Object.keys(state).forEach(function (key) { cases[key.split(":")[0]] = true; });
      state = {};
      kept = [];
      Object.keys(cases).forEach(renderCase);
      renderBar();
      announce(status, "Back to the site's coding: every verdict as coded.");
    });

    // The markers become buttons that open their reading in place: Space as well as Enter
    // (a link's own key), and a reading that find-in-page reveals counts as opened. From here
    // on a reading shows when it is open, not when it is the address's target (site.css).
    table.setAttribute("data-ir-enhanced", "");
    table.querySelectorAll("a.ir-contested").forEach(function (marker) {
      var more = marker.nextElementSibling;
      more.id = "alt-" + keyOf(marker.closest("td")).replace(":", "--");
      marker.setAttribute("role", "button");
      marker.setAttribute("aria-controls", more.id);
      marker.setAttribute("aria-expanded", "false");
    });
    table.addEventListener("keydown", function (event) {
      if (event.key === " " && event.target.matches("a.ir-contested")) {
        event.preventDefault();
        event.target.click();
      }
    });
    table.addEventListener("beforematch", function (event) {
      if (event.target.matches(".ir-contested__more")) {
        setOpen(event.target.previousElementSibling, true);
      }
    }, true);
    bar.hidden = false;
    var touched = {};
    Object.keys(state).forEach(function (key) {
      touched[key.split(":")[0]] = true;
      var parts = key.split(":");
      var marker = table.querySelector("#row-" + parts[0] + ' td[data-criterion="' + parts[1] + '"] a.ir-contested');
      if (marker) setOpen(marker, true);
    });
    Object.keys(touched).forEach(renderCase);
    if (Object.keys(touched).length || kept.length) renderBar();
  }

  // ----- a case page --------------------------------------------------------------------------

  function initCase(form, data) {
    var caseId = form.getAttribute("data-ir-whatif-case");
    var c = data.cases[caseId];
    var status = form.querySelector("[data-ir-whatif-status]");
    var shareLink = form.querySelector("[data-ir-whatif-link]");
    var state = readState(data);
    var coded = {};
    c.applies.forEach(function (test) { coded[test] = verdictFor(data, c.values, test); });

    function render(announceIt) {
      var values = valuesFor(data, caseId, state);
      var parts = [];
      c.applies.forEach(function (test) {
        var v = verdictFor(data, values, test);
        showVerdict(form.querySelector('[data-ir-verdict="' + test + '"]'), data, v, coded[test]);
        parts.push(data.tests[test].title + ": " + verdictText(data, v) +
          (sameVerdict(v, coded[test]) ? " (as coded)" : " (coded: " + verdictText(data, coded[test]) + ")"));
      });
      var keys = Object.keys(state);
      shareLink.hidden = keys.length === 0;
      shareLink.href = stateUrl(state);
      window.history.replaceState(null, "", stateUrl(state));
      if (announceIt) announce(status, parts.join("; ") + ".");
    }

    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = Boolean(state[box.value]);
      box.addEventListener("change", function () {
        if (box.checked) {
          state[box.value] = true;
        } else {
          delete state[box.value];
        }
        render(true);
      });
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    render(false);
  }

  window.irWhatIf = {
    verdictFor: function (values, test) {
      return verdictFor(readData(), values, test);
    }
  };

  function init() {
    var data = readData();
    if (!data) return;
    var table = document.querySelector("[data-ir-whatif-table]");
    if (table) initTable(table, data);
    var form = document.querySelector("[data-ir-whatif-case]");
    if (form) initCase(form, data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
