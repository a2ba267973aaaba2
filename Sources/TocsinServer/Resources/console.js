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

// The reach board (/console/alerts/{id}/reach): complete without this (a reload shows the current figures); with
// it, the figures follow the broker's stream of them (Server-Sent Events from the board's data-stream address), or,
// where EventSource is missing, its JSON (data-live) read every few seconds. Values are written as text, never HTML.
(function () {
  "use strict";

  function text(element, value) {
    if (element) { element.textContent = String(value); }
  }

  function cell(row, value, header) {
    var element = document.createElement(header ? "th" : "td");
    if (header) { element.setAttribute("scope", "row"); }
    element.textContent = String(value);
    row.appendChild(element);
    return element;
  }

  function update(board, figures) {
    var steps = ["concerned", "delivered", "seen", "acknowledged"];
    steps.forEach(function (step) {
      text(board.querySelector("[data-count='" + step + "']"), figures.counts[step]);
    });
    var regions = board.querySelector("#reach-regions tbody");
    if (regions) {
      regions.textContent = "";
      figures.regions.forEach(function (region) {
        var row = document.createElement("tr");
        cell(row, region.region, true);
        steps.forEach(function (step) { cell(row, region[step]); });
        regions.appendChild(row);
      });
    }
    var uninformed = board.querySelector("#reach-uninformed tbody");
    if (uninformed) {
      uninformed.textContent = "";
      figures.uninformed.forEach(function (entry) {
        var row = document.createElement("tr");
        cell(row, entry.orgName, true);
        cell(row, entry.region);
        cell(row, entry.reason);
        cell(row, entry.detail).className = "detail";
        uninformed.appendChild(row);
      });
    }
    text(board.querySelector("[data-count='uninformed']"), figures.uninformedCount);
    var empty = board.querySelector("#reach-all-informed");
    if (empty) { empty.hidden = figures.uninformedCount !== 0; }
    board.setAttribute("data-revision", figures.revision);
    board.setAttribute("data-live-updates", String(Number(board.getAttribute("data-live-updates") || "0") + 1));
  }

  function poll(board) {
    var address = board.getAttribute("data-live");
    window.setInterval(function () {
      fetch(address, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (figures) { if (figures) { update(board, figures); } })
        .catch(function () { /* the next round tries again */ });
    }, 3000);
  }

  window.Tocsin.onLoad(function () {
    var board = document.getElementById("reach-board");
    if (!board) { return; }
    if (!window.EventSource) { poll(board); return; }
    var source = new EventSource(board.getAttribute("data-stream"));
    source.addEventListener("reach", function (event) {
      try { update(board, JSON.parse(event.data)); } catch (error) { /* a malformed event is skipped */ }
    });
    source.addEventListener("open", function () { board.setAttribute("data-streaming", "true"); });
    // The session is over (signed out, revoked, expired): no more reconnecting; a reload leads to the login page.
    source.addEventListener("ended", function () {
      source.close();
      board.removeAttribute("data-streaming");
    });
  });
})();
