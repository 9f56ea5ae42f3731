// Keeps the progress of a background job (bulk invitations, survey imports) up to date without reloading the page on its own
// (an automatic refresh fails WCAG 2.2.1). Without JavaScript the page has an "update" link instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var status = box.querySelector("[role=status]");
  var bar = box.querySelector("progress");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (!progress) { return; }
        bar.value = progress.done;
        status.textContent = progress.text;
        if (progress.finished) {
          var done = box.querySelector("[data-finished]");
          done.hidden = false;
          done.focus();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
