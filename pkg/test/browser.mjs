// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (or
// $CHROMIUM_BIN) driven by playwright-core, flags from shared TOOLCHAIN.md, a
// new empty profile per launch. Screenshots go to tests/artifacts/ (gitignored).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

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
export const ARTIFACTS = fileURLToPath(new URL("../../tests/artifacts/", import.meta.url));

/** A browser context on a fresh profile; `close()` also deletes the profile. */
export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "mdm-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Collects uncaught page errors and console errors, to assert there were none.
 * Chromium's own "Failed to load resource: ... status of 4xx" lines are left
 * out: they log API error responses the page handles on purpose.
 */
export function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      errors.push(m.text());
    }
  });
  return errors;
}

/** `promise`, or a failure saying `what` after `ms`. */
export function within(ms, promise, what) {
  let timer;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A promise and its resolve. */
function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Holds the answer to the first request on `page` whose URL `matches` (a
 * predicate on a URL) until `release()`: `fetched` settles once the server
 * has answered it (so it was asked before anything the test does next),
 * `delivered` once the page has the answer. `stop()` releases it and removes
 * the route; call it in a `finally`.
 */
export async function holdFirst(page, matches) {
  const fetched = deferred();
  const released = deferred();
  const delivered = deferred();
  let first = true;
  const handler = async (route) => {
    if (!first) return route.continue();
    first = false;
    const response = await route.fetch();
    fetched.resolve();
    await released.promise;
    await route.fulfill({ response });
    delivered.resolve();
  };
  await page.route(matches, handler);
  return {
    fetched: fetched.promise,
    delivered: delivered.promise,
    release: released.resolve,
    stop: async () => {
      released.resolve();
      await page.unroute(matches, handler);
    },
  };
}
