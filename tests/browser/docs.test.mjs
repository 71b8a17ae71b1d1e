// The API reference at /docs end to end: `wrangler dev` serves the page
// (admin/docs/, Swagger UI copied into admin/docs/vendor/ by `make build`) with
// the headers of admin/_headers; headless Chromium renders GET /openapi.json
// under that Content-Security-Policy. Every operation of the document must show,
// with no console error, no CSP violation and no request off loopback.
// Screenshots: tests/artifacts/docs-*.png.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ROOT, startWorker } from "../e2e/lib/server.mjs";
import { ARTIFACTS, launch } from "../../pkg/test/browser.mjs";

// The policy all static assets are to get, plus `img-src 'self' data:` (Swagger
// UI's stylesheet draws its icons as data: SVG images).
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; frame-ancestors 'none'";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const isLoopback = (host) => host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);

let w, browser, spec;

before(async () => {
  assert.ok(
    existsSync(join(ROOT, "admin/docs/vendor/swagger-ui-bundle.js")),
    "admin/docs/vendor/ is missing: run `make build` (scripts/build-docs.mjs)",
  );
  w = await startWorker();
  const res = await w.fetch("/openapi.json");
  assert.equal(res.status, 200);
  spec = await res.json();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await w?.stop();
});

/** Every operation of the document: { method, path, summary }. */
function operations(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      if (item[method]) ops.push({ method, path, summary: item[method].summary ?? "" });
    }
  }
  return ops;
}

test("/docs and its files are served with the CSP, nosniff and no-referrer", { timeout: 60_000 }, async () => {
  for (const path of ["/docs", "/docs/", "/docs/docs.js", "/docs/vendor/swagger-ui-bundle.js", "/docs/vendor/swagger-ui.css"]) {
    const res = await w.fetch(path, { redirect: "manual" });
    await res.arrayBuffer();
    assert.ok(res.status === 200 || res.status === 307, `${path}: ${res.status}`);
    assert.equal(res.headers.get("content-security-policy"), CSP, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer", path);
  }
  // /docs lands on the page (by way of /docs/ when assets redirect to the directory).
  const page = await w.fetch("/docs");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type"), /^text\/html/);
  assert.match(await page.text(), /<div id="swagger-ui">/);
  assert.equal(page.headers.get("content-security-policy"), CSP);
  const js = await w.fetch("/docs/vendor/swagger-ui-bundle.js");
  await js.arrayBuffer();
  assert.match(js.headers.get("content-type"), /javascript/);
  // The rules file itself is not an asset.
  const rules = await w.fetch("/_headers");
  await rules.arrayBuffer();
  assert.equal(rules.status, 404);
});

test("/docs renders every operation of /openapi.json under the CSP, all from loopback", { timeout: 120_000 }, async () => {
  const page = await browser.context.newPage();
  const errors = [];
  const offLoopback = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`pageerror: ${e}`));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!["data:", "blob:"].includes(url.protocol) && !isLoopback(url.hostname)) offLoopback.push(r.url());
  });
  // Installed before any script of the page runs, so no violation is missed.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });

  await page.goto(w.url + "/docs");
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  await page.waitForSelector("#swagger-ui .opblock");
  await page.waitForLoadState("networkidle");

  const rendered = await page.$$eval("#swagger-ui .opblock", (els) =>
    els.map((el) => ({
      method: el.querySelector(".opblock-summary-method")?.textContent.trim().toLowerCase(),
      path: el.querySelector("[data-path]")?.getAttribute("data-path"),
      summary: el.querySelector(".opblock-summary-description")?.textContent.trim() ?? "",
    })),
  );
  const expected = operations(spec);
  assert.ok(expected.length > 10, `only ${expected.length} operations in /openapi.json?`);
  const key = (op) => `${op.method.toUpperCase()} ${op.path}`;
  const shown = new Map(rendered.map((op) => [key(op), op]));
  const missing = expected.filter((op) => !shown.has(key(op))).map(key);
  assert.deepEqual(missing, [], "operations of /openapi.json missing on /docs");
  for (const op of expected) assert.equal(shown.get(key(op)).summary, op.summary, key(op));
  assert.equal(shown.size, expected.length, "no operation that /openapi.json lacks");
  await page.screenshot({ path: join(ARTIFACTS, "docs-list.png"), fullPage: true });

  // Open one operation with a request body: parameters, schema and example
  // render under the same policy.
  const post = expected.find((op) => op.method === "post");
  const block = page.locator(`#swagger-ui .opblock-post:has([data-path="${post.path}"])`).first();
  await block.locator(".opblock-summary-control").click();
  await block.locator(".opblock-body").waitFor();
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: join(ARTIFACTS, "docs-operation.png") });

  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], "CSP violations");
  assert.deepEqual(errors, [], "console errors or page errors");
  assert.deepEqual(offLoopback, [], "requests that left loopback");
  await page.close();
});
