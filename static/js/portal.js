/* CAL Portal: small progressive enhancements. Everything works without this file. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  function setUpMobileNav() {
    var toggle = document.querySelector(".main-nav__toggle");
    var list = document.getElementById("main-nav-list");
    if (!toggle || !list) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 40em)");

    function close() {
      toggle.setAttribute("aria-expanded", "false");
      list.classList.remove("is-open");
    }

    function sync() {
      // The toggle only exists on narrow screens; on wide ones the list is always shown.
      toggle.hidden = !narrow.matches;
      if (!narrow.matches) {
        close();
      }
    }

    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      list.classList.toggle("is-open", open);
    });
    list.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches) {
        close();
        toggle.focus();
      }
    });
    if (narrow.addEventListener) {
      narrow.addEventListener("change", sync);
    }
    sync();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpMobileNav);
  } else {
    setUpMobileNav();
  }
})();
