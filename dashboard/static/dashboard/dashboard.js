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
})();
