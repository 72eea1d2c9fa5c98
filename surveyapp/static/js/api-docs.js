// Starts Swagger UI on the API's own OpenAPI document (a file, not an inline script: the CSP allows no inline code).
(function () {
  "use strict";
  var element = document.getElementById("api-docs");
  window.SwaggerUIBundle({
    url: element.getAttribute("data-document"),
    domNode: element,
    deepLinking: true,
    // The session cookie goes along, so a signed-in user can try the GET requests from this page.
    withCredentials: true,
  });
})();
