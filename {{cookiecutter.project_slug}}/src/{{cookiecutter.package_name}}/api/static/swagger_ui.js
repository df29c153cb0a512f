// Starts Swagger UI with the settings templates/swagger_ui.html puts in data- attributes,
// from a file rather than inline, so the Content-Security-Policy can forbid inline scripts.
"use strict";
(function () {
  var container = document.getElementById("swagger-ui-container");
  var config = JSON.parse(container.dataset.config || "{}");
  config.url = container.dataset.specUrl;
  config.dom_id = "#swagger-ui-container";
  window.ui = SwaggerUIBundle(config);
})();
