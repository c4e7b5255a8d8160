// The timeline's filters (/timeline/): by case, by the case's role and by kind of event.
// Without this script the form stays hidden and every event is listed. Each event carries
// data-case, data-role and data-kind; a year with no event left is hidden with its heading.
// The count is announced through the status line (role=status, aria-live=polite), and the
// choice is kept in the address (?case=...&role=...&kind=...) so that it can be shared. A long
// timeline is split into numbered pages (/timeline/2/): the filters choose among the events of
// the page, and the links to the other pages keep the role and kind chosen.
(function () {
  "use strict";

  var form = document.getElementById("timeline-filters");
  var status = document.getElementById("timeline-status");
  if (!form || !status) {
    return;
  }
  var selects = form.querySelectorAll("select[data-filter]");
  var events = document.querySelectorAll(".ir-event");
  var years = document.querySelectorAll(".ir-timeline-year");
  var total = events.length;
  var allText = status.textContent;

  function chosen() {
    var filters = {};
    for (var i = 0; i < selects.length; i++) {
      if (selects[i].value) {
        filters[selects[i].getAttribute("data-filter")] = selects[i].value;
      }
    }
    return filters;
  }

  function apply() {
    var filters = chosen();
    var shown = 0;
    for (var i = 0; i < events.length; i++) {
      var match = true;
      for (var key in filters) {
        if (events[i].getAttribute("data-" + key) !== filters[key]) {
          match = false;
        }
      }
      events[i].hidden = !match;
      if (match) {
        shown++;
      }
    }
    for (var j = 0; j < years.length; j++) {
      years[j].hidden = !years[j].querySelector(".ir-event:not([hidden])");
    }
    if (shown === total) {
      status.textContent = allText;
    } else if (shown === 0) {
      status.textContent = "No event matches these filters (of " + total + "). Choose Show all to see every event.";
    } else {
      status.textContent = "Showing " + shown + " of " + total + " events.";
    }
    var params = new URLSearchParams();
    for (var name in filters) {
      params.set(name, filters[name]);
    }
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    carry();
  }

  // The links to the other pages of a long timeline carry the role and kind chosen (a case is
  // chosen among the cases of one page).
  function carry() {
    var filters = chosen();
    var links = document.querySelectorAll("[data-ir-pager] a, a[data-ir-pager-link]");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, window.location.href);
      ["case", "role", "kind"].forEach(function (name) {
        if (filters[name] && name !== "case") {
          url.searchParams.set(name, filters[name]);
        } else {
          url.searchParams.delete(name);
        }
      });
      links[i].href = url.toString();
    }
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    for (var i = 0; i < selects.length; i++) {
      var wanted = params.get(selects[i].getAttribute("data-filter"));
      if (wanted && selects[i].querySelector('option[value="' + CSS.escape(wanted) + '"]')) {
        selects[i].value = wanted;
      }
    }
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  // A reset restores the options after the event: apply once it has happened.
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  readAddress();
  if (Object.keys(chosen()).length) {
    apply();
  }
})();
