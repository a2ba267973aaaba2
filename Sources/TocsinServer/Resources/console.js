// Tocsin console: the one script of the console, served by the broker (/console/static/console.js). Every action
// works without it; it adds copy buttons and, on pages that ask for it (data-live), a reload when the live
// stream says something changed.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.value || source.textContent).then(function () {
          button.setAttribute("data-copied", "true");
        });
      });
    });
  });
  // Views of later pages register here: window.Tocsin.onLoad(function () { … }).
  window.Tocsin = {
    onLoad: function (callback) { document.addEventListener("DOMContentLoaded", callback); }
  };
})();
