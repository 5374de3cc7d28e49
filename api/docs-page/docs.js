// Starts Swagger UI on /v1/docs (api/docs-page/index.html) with the API description icpd
// serves. A file of its own, not an inline script, so the page's CSP can stay script-src 'self'.
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No call to the public validator service: nothing leaves this origin.
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
