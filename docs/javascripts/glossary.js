// Glossary terms (macros/glossary.py): a button with the term, described by its definition
// (role="tooltip") in a pop-up with a link to the full definition. The stylesheet already shows
// the pop-up on hover and keyboard focus; this script adds:
// - click or tap pins it open (aria-expanded="true"), and only then is its link a Tab stop;
//   a second click, a click elsewhere or focus leaving the term closes it;
// - Escape closes any open pop-up (hovered, focused or pinned) without moving the pointer or
//   the focus (WCAG 1.4.13), and puts focus back on the term if it was on the link;
// - the pop-up is placed next to its term inside the viewport, even in a table that scrolls.
(function () {
  "use strict";

  var GLOSS = ".ir-gloss";

  function parts(gloss) {
    return {
      button: gloss.querySelector(".ir-gloss__term"),
      pop: gloss.querySelector(".ir-gloss__pop"),
      link: gloss.querySelector(".ir-gloss__more"),
    };
  }

  function place(gloss) {
    var p = parts(gloss);
    if (!p.pop || getComputedStyle(p.pop).display === "none") {
      return;
    }
    var term = p.button.getBoundingClientRect();
    var margin = 8;
    var width = Math.min(p.pop.offsetWidth, document.documentElement.clientWidth - 2 * margin);
    var left = Math.min(Math.max(term.left, margin),
                        document.documentElement.clientWidth - width - margin);
    var top = term.bottom + 2;
    var height = p.pop.offsetHeight;
    if (top + height > window.innerHeight - margin && term.top - height - 2 > margin) {
      top = term.top - height - 2; // no room below: above the term
    }
    p.pop.style.position = "fixed";
    p.pop.style.left = left + "px";
    p.pop.style.top = top + "px";
  }

  function setPinned(gloss, pinned) {
    var p = parts(gloss);
    gloss.classList.toggle("is-pinned", pinned);
    p.button.setAttribute("aria-expanded", pinned ? "true" : "false");
    if (p.link) {
      p.link.tabIndex = pinned ? 0 : -1;
    }
  }

  function close(gloss) {
    setPinned(gloss, false);
    gloss.classList.add("is-dismissed"); // hidden until the pointer and the focus leave
  }

  function open(gloss) {
    gloss.classList.remove("is-dismissed");
    place(gloss);
    window.requestAnimationFrame(function () { place(gloss); });
  }

  function pinnedOnes() {
    return document.querySelectorAll(GLOSS + ".is-pinned");
  }

  function setUp() {
    var glosses = document.querySelectorAll(GLOSS);
    if (!glosses.length) {
      return;
    }
    Array.prototype.forEach.call(glosses, function (gloss) {
      var p = parts(gloss);
      p.button.setAttribute("aria-expanded", "false");
      p.button.setAttribute("aria-controls", p.pop.id);
      if (p.link) {
        p.link.tabIndex = -1;
      }
      gloss.addEventListener("mouseenter", function () { open(gloss); });
      gloss.addEventListener("mouseleave", function () {
        gloss.classList.remove("is-dismissed");
      });
      p.button.addEventListener("focus", function () { open(gloss); });
      p.button.addEventListener("click", function () {
        var pinned = gloss.classList.contains("is-pinned");
        Array.prototype.forEach.call(pinnedOnes(), function (other) {
          if (other !== gloss) { setPinned(other, false); }
        });
        if (pinned) {
          close(gloss);
        } else {
          setPinned(gloss, true);
          open(gloss);
        }
      });
      gloss.addEventListener("focusout", function (event) {
        if (!gloss.contains(event.relatedTarget)) {
          setPinned(gloss, false);
          gloss.classList.remove("is-dismissed");
        }
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" && event.key !== "Esc") {
        return;
      }
      Array.prototype.forEach.call(document.querySelectorAll(GLOSS), function (gloss) {
        var focused = gloss.contains(document.activeElement);
        if (focused || gloss.classList.contains("is-pinned") || gloss.matches(":hover")) {
          var p = parts(gloss);
          if (focused && document.activeElement !== p.button) {
            p.button.focus();
          }
          close(gloss);
        }
      });
    });

    document.addEventListener("click", function (event) {
      Array.prototype.forEach.call(pinnedOnes(), function (gloss) {
        if (!gloss.contains(event.target)) {
          setPinned(gloss, false);
        }
      });
    });

    var queued = false;
    function replace() {
      if (queued) { return; }
      queued = true;
      window.requestAnimationFrame(function () {
        queued = false;
        Array.prototype.forEach.call(document.querySelectorAll(GLOSS), place);
      });
    }
    window.addEventListener("scroll", replace, true);
    window.addEventListener("resize", replace);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
