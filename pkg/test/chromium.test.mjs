// The package in headless Chromium (Debian's, driven by playwright-core):
// the browser entry loads over HTTP, instantiates the wasm, and returns the
// same violations as Node for the whole shared corpus. Screenshots go to
// tests/artifacts/ (gitignored).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as node from "@mdm-edge/client";
import { ARTIFACTS, launch, watchErrors } from "./browser.mjs";
import { cases } from "./corpus.mjs";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

let server, origin, browser;
const wasmRequests = [];

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = path === "/" ? join(pkgDir, "test/fixtures/browser.html") : normalize(join(pkgDir, path));
    if (!file.startsWith(pkgDir)) return res.writeHead(403).end();
    try {
      const body = readFileSync(file);
      if (path.endsWith(".wasm")) wasmRequests.push(path);
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test("the browser entry validates the corpus exactly as Node does", async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(origin + "/");
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15_000 });
  assert.deepEqual(errors, []);
  // The validators' wasm at load; the QR encoder's only once the page called
  // qrSvg (the fixture draws one), and each exactly once.
  assert.deepEqual(wasmRequests, ["/dist/mdm_wasm_bg.wasm", "/dist/mdm_qr.wasm"]);

  const inBrowser = await page.evaluate(
    (cases) =>
      cases.map((c) => ({
        object: window.pkg.validate(c.name, c.body),
        json: window.pkg.validateJson(c.name, JSON.stringify(c.body)),
      })),
    cases,
  );
  cases.forEach((c, i) => {
    const expected = node.validate(c.name, c.body);
    assert.deepEqual(inBrowser[i].object, expected, `${c.name} ${c.note}`);
    assert.deepEqual(inBrowser[i].json, expected, `${c.name} ${c.note} (JSON text)`);
    assert.deepEqual(expected.map((v) => [v.path, v.code]), c.expect);
  });

  // Browser-only values: a Date becomes its ISO string, like JSON.stringify.
  const dated = await page.evaluate(() => window.pkg.validate("AospEnrollmentTokenCreate", { displayName: new Date(0) }));
  assert.deepEqual(dated, []);

  const svgBox = await page.locator("#qr svg").boundingBox();
  assert.ok(svgBox && svgBox.width >= 200, "the QR code renders");
  assert.match(await page.locator("#out").textContent(), /must be at least 60/);
  await page.screenshot({ path: join(ARTIFACTS, "pkg-browser.png"), fullPage: true });
  await page.close();
});
