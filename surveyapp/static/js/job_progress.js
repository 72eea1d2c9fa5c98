// Follows a background job: asks its JSON status every second and a half, shows the progress, and reloads
// the page when the job has finished (the page then shows the result). Without JavaScript the page refreshes
// itself (a <noscript> refresh), so this script only makes the wait smoother.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "true") {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var status = document.getElementById("job-status");
  var message = document.getElementById("job-message");

  function show(info) {
    var value = Math.round(info.progress * 100);
    bar.value = info.progress;
    bar.textContent = value + " %";
    percent.textContent = value + " %";
    status.textContent = info.status_label;
    message.textContent = info.message;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (info) {
        show(info);
        if (info.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // the server restarting: try again a little later
      });
  }

  window.setTimeout(poll, 1000);
})();
