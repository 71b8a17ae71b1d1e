// The package in headless Chromium (Debian's, driven by playwright-core):
// the browser entry loads over HTTP, instantiates the wasm, and returns the
// same violations as Node for the whole shared corpus. Screenshots go to
// tests/artifacts/ (gitignored).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as node from "@mdm-edge/client";
import { cases } from "./corpus.mjs";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const artifacts = fileURLToPath(new URL("../../tests/artifacts/", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

let server, origin, context, profile;
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
  profile = mkdtempSync(join(tmpdir(), "mdm-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("the browser entry validates the corpus exactly as Node does", async () => {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(origin + "/");
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15_000 });
  assert.deepEqual(errors, []);
  assert.deepEqual(wasmRequests, ["/dist/mdm_wasm_bg.wasm"]);

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
  await page.screenshot({ path: join(artifacts, "pkg-browser.png"), fullPage: true });
  await page.close();
});
