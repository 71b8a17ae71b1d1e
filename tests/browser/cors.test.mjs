// CORS in a real browser: two loopback origins serve a blank page and the npm
// package; only the one listed in CORS_ORIGINS may call the API with the
// package's client. The other is blocked by Chromium itself (the worker
// sends it no CORS headers), not by anything this test checks by hand.
import assert from "node:assert/strict";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { call, freePort, ROOT, startWorker } from "../e2e/lib/server.mjs";
import { launch, watchErrors } from "../../pkg/test/browser.mjs";

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
let w, browser, listed, unlisted, token;

/** A static origin: `/` is a blank page, `/pkg/...` the package as the admin page ships it. */
async function origin() {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><title>dashboard</title>");
      return;
    }
    const file = normalize(join(ROOT, "admin", path));
    if (!file.startsWith(join(ROOT, "admin", "pkg")) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

before(async () => {
  listed = await origin();
  unlisted = await origin();
  w = await startWorker({
    seedFile: join(ROOT, "scripts", "seed-demo.sql"),
    vars: { CORS_ORIGINS: `https://dash.example.com, ${listed.url}` },
  });
  token = w.token({ perms: ["*"], orgs: ["*"] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await w?.stop();
  await listed?.close();
  await unlisted?.close();
});

/** From a page of `site`: list AOSP tokens through the package's client. */
async function listFrom(site) {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(site.url + "/");
  const result = await page.evaluate(
    async ({ api, token }) => {
      const { MdmClient } = await import("/pkg/src/browser.js");
      const client = new MdmClient({ baseUrl: api, token, organization: "demo" });
      try {
        const page = await client.listAospEnrollmentTokens({ limit: 5 });
        return { ok: true, totalDocs: page.totalDocs };
      } catch (e) {
        return { ok: false, name: e.name, message: String(e.message) };
      }
    },
    { api: w.url, token },
  );
  await page.close();
  return { result, errors };
}

test("a listed origin calls the API with the npm client", { timeout: 120_000 }, async () => {
  const { result, errors } = await listFrom(listed);
  assert.deepEqual(result, { ok: true, totalDocs: result.totalDocs }, JSON.stringify(result));
  assert.equal(typeof result.totalDocs, "number");
  assert.deepEqual(errors, []);
});

test("an unlisted origin is blocked by the browser", { timeout: 120_000 }, async () => {
  const { result, errors } = await listFrom(unlisted);
  assert.equal(result.ok, false);
  assert.equal(result.name, "TypeError", JSON.stringify(result));
  assert.ok(errors.some((e) => /CORS/.test(e)), JSON.stringify(errors));
});

test("preflights: a listed origin gets 204 with the allowed methods; others get no CORS headers", async () => {
  const ask = (origin) =>
    w.fetch("/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
    });
  const ok = await ask(listed.url);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), listed.url);
  assert.match(ok.headers.get("access-control-allow-headers"), /authorization/);
  assert.match(ok.headers.get("access-control-allow-methods"), /POST/);
  const no = await ask(unlisted.url);
  assert.equal(no.headers.get("access-control-allow-origin"), null);
  // A simple request from an unlisted origin is answered, without CORS headers.
  const r = await call(w, "GET", "/health", { headers: { origin: unlisted.url } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("access-control-allow-origin"), null);
  assert.equal(r.headers.get("x-content-type-options"), "nosniff");
});

test("static pages carry the CSP, nosniff, no-referrer and no framing", async () => {
  for (const path of ["/", "/app.js", "/docs/"]) {
    const r = await w.fetch(path);
    assert.equal(r.status, 200, path);
    const csp = r.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csp, /unsafe-inline'[^;]*script|script-src[^;]*unsafe-inline/, path);
    assert.equal(r.headers.get("referrer-policy"), "no-referrer", path);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
    await r.arrayBuffer();
  }
});
