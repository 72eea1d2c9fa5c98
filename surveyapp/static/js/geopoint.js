// Location questions: the button that fills latitude, longitude and accuracy from the browser's geolocation.
// Shown only where the browser has geolocation; nothing is asked before the respondent presses it, and the
// browser then asks for permission. Typed coordinates work without this script.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }
  document.querySelectorAll("button[data-geopoint]").forEach(function (button) {
    var code = button.getAttribute("data-geopoint");
    var status = document.getElementById(code + "-geostatus");
    function field(part) {
      return document.getElementById("f-" + code + "-" + part);
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-waiting") || "…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          field("lat").value = position.coords.latitude.toFixed(6);
          field("lon").value = position.coords.longitude.toFixed(6);
          field("accuracy").value = Math.round(position.coords.accuracy * 10) / 10;
          status.textContent = "";
        },
        function (error) {
          // The browser's own message, in its language: denied, unavailable or timed out.
          status.textContent = error.message;
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  });
})();
