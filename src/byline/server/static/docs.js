// byline: render the API description on /docs (Swagger UI), from the spec embedded in
// the page (the page is sandboxed: it has no access to the site's storage, and fetches nothing itself).
"use strict";
(function () {
  const spec = JSON.parse(document.getElementById("openapi-spec").textContent);
  const swagger = document.getElementById("swagger-ui");
  if (swagger && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({
      spec: spec,
      domNode: swagger,
      deepLinking: true,
      supportedSubmitMethods: [],  // reading only: the sandboxed page sends no requests to the API
      defaultModelsExpandDepth: 0,
      validatorUrl: null,
    });
  }
})();
