// The API reference at /docs: Swagger UI (vendor/, from npm swagger-ui-dist)
// rendering the worker's GET /openapi.json. Everything it loads is same-origin;
// admin/_headers gives the page its Content-Security-Policy.
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true, // #/tag/operationId links to one operation
  filter: true, // a box that filters operations by tag
  validatorUrl: null, // never ask validator.swagger.io for a badge
  queryConfigEnabled: false, // ignore ?url=... and other config in the address
  onComplete: () => {
    // Tests wait for this: the document is loaded and rendered.
    document.body.dataset.ready = "true";
  },
});
