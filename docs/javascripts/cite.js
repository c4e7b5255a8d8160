// "Cite this page": the copy buttons. Each button names the element whose text it copies
// (data-cite-copy); the result is announced in the box's live region (#cite-status). Buttons
// stay hidden without this script; the download links work without it.
(function () {
  "use strict";

  function announce(message) {
    var status = document.getElementById("cite-status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
  }

  function selectAndCopy(element) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    return copied;
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-cite-copy"));
    if (!source) {
      return;
    }
    var label = button.getAttribute("data-cite-label") || "Citation";
    var text = source.textContent.trim();
    var done = function () { announce(label + " copied"); };
    var fallback = function () {
      if (selectAndCopy(source)) {
        done();
      } else {
        announce(label + " selected: press Control+C (Command+C on a Mac) to copy");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function setUp() {
    var buttons = document.querySelectorAll("button[data-cite-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) { copy(event.currentTarget); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
