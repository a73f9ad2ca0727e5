// The dashboard's own behaviour, from a static file: the Content-Security-Policy allows no
// inline script or handler.
(function () {
  "use strict";

  // A key or signing secret shown once is selected whole when it gets the focus, ready to copy.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.classList.contains("key-reveal")) {
      target.select();
    }
  });

  // Dates show in the merchant's time zone; hovering one shows the instant in UTC.
  function utcTitles(root) {
    root.querySelectorAll("time[datetime]:not([title])").forEach(function (element) {
      var instant = new Date(element.getAttribute("datetime"));
      if (!isNaN(instant.getTime()) && element.getAttribute("datetime").length > 10) {
        element.title = instant.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
      }
    });
  }
  // On a phone the pages' links scroll sideways: the current one is brought into view.
  function currentLinkInView() {
    var nav = document.querySelector(".nav");
    var current = nav && nav.querySelector('[aria-current="page"]');
    if (current && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    utcTitles(document);
    currentLinkInView();
  });
  document.addEventListener("htmx:load", function (event) { utcTitles(event.target); });
})();
