// A network report's page while it is built: polls its JSON status and shows the
// progress; when the report is ready, loads the page again (which then shows it).
// Without JavaScript the page's "Check again" link does the same by hand.
(function () {
  "use strict";
  var panel = document.querySelector("[data-status-url]");
  if (!panel) {
    return;
  }
  var url = panel.getAttribute("data-status-url");
  var bar = panel.querySelector("[data-report-progress]");
  var text = panel.querySelector("[data-report-progress-text]");
  var label = panel.querySelector("[data-report-status-label]");
  var delay = 1500;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + " %"; }
        if (text) { text.textContent = String(data.progress); }
        if (label && data.status_label) {
          label.textContent = data.status_label.charAt(0).toUpperCase() + data.status_label.slice(1);
        }
        if (data.complete) {
          window.location.assign(data.url);
          return;
        }
        if (!data.failed) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // The link stays; try again a little later.
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
