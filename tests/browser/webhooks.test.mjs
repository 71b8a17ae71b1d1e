// The admin page's Webhooks tab in headless Chromium: live validation, a
// subscription to a loopback receiver created (its secret shown once, with a
// copy button), a test ping sent and its delivery listed as delivered (the
// receiver verifies the signature with the official Standard Webhooks
// library), disable and enable. Screenshot: tests/artifacts/admin-webhooks.png.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { call, ROOT, startWorker } from "../e2e/lib/server.mjs";
import { ARTIFACTS, launch, watchErrors } from "../../pkg/test/browser.mjs";

let w, browser, page, errors, adminToken, receiver, base;
const received = [];

before(async () => {
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${receiver.address().port}`;
  w = await startWorker({ seedFile: join(ROOT, "scripts", "seed-demo.sql") });
  adminToken = w.token({ perms: ["*"], orgs: ["*"] });
  browser = await launch();
  page = await browser.context.newPage();
  errors = watchErrors(page);
  page.on("dialog", (d) => d.accept());
});

after(async () => {
  await browser?.close();
  await w?.stop();
  await new Promise((r) => receiver?.close(r));
});

test("create a webhook (secret shown once), send a test, see the delivery", { timeout: 120_000 }, async () => {
  await page.goto(w.url + "/");
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#sign-in-form [name=token]", adminToken);
  await page.fill("#sign-in-form [name=organization]", "demo");
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector("#app:not([hidden])");
  await page.click('[data-tab="webhooks"]');

  // Live validation with the package's validator: both fields required.
  await page.fill("#webhook-form [name=url]", "x");
  await page.fill("#webhook-form [name=url]", "");
  await page.waitForSelector('#webhook-form [data-error="url"]:text("required")');
  await page.waitForSelector('#webhook-form [data-error="events"]:text("at least one event")');
  assert.equal(await page.isDisabled("#webhook-form button[type=submit]"), true);

  // The server's URL rule lands on the field: plain http only to loopback.
  await page.fill("#webhook-form [name=url]", "http://hooks.example.com/x");
  await page.check('#webhook-form input[value="device.enrolled"]');
  await page.click("#webhook-form button[type=submit]");
  await page.waitForSelector('#webhook-form [data-error="url"]:text("https://")');

  await page.fill("#webhook-form [name=url]", `${base}/hook`);
  await page.check('#webhook-form input[value="enrollmentToken.deleted"]');
  await page.click("#webhook-form button[type=submit]");
  await page.waitForSelector("#new-webhook:not([hidden])");
  const secret = (await page.textContent("#new-webhook-secret")).trim();
  assert.match(secret, /^whsec_/);
  await page.click("#new-webhook-copy");
  await page.waitForSelector("#new-webhook-copied:not(:empty)");
  const row = page.locator(`#webhooks-table tbody tr:has-text("${base}/hook")`);
  await row.waitFor();
  assert.match(await row.textContent(), /device\.enrolled, enrollmentToken\.deleted/);
  assert.match(await row.textContent(), /enabled/);
  assert.ok(!(await page.textContent("#webhooks-table")).includes(secret), "the list never shows the secret");

  // Send test: the ping arrives, signed, and the delivery is listed.
  await row.locator('[data-action="test"]').click();
  await page.waitForSelector('#deliveries-table tbody tr[data-status="delivered"]:has-text("ping")', { timeout: 60_000 });
  assert.match(await page.textContent("#deliveries-table tbody"), /204/);
  assert.equal(received.length, 1);
  const ping = new Webhook(secret).verify(received[0].body, received[0].headers);
  assert.equal(ping.type, "ping");
  await page.screenshot({ path: join(ARTIFACTS, "admin-webhooks.png"), fullPage: true });

  // Disable, then enable again.
  await row.locator('[data-action="toggle"]').click();
  await page.waitForSelector(`#webhooks-table tbody tr:has-text("${base}/hook"):has-text("disabled")`);
  const id = await row.getAttribute("data-id");
  const stored = await call(w, "GET", `/v1/organizations/demo/webhooks/${id}`, { token: adminToken });
  assert.equal(stored.body.data.enabled, false);
  await row.locator('[data-action="toggle"]').click();
  await page.waitForSelector(`#webhooks-table tbody tr:has-text("${base}/hook") [data-action="toggle"]:text("Disable")`);

  // An action that fails says so, though the list reloads after it: the
  // webhook is deleted by another client first, so the page's delete is a 404.
  assert.equal((await call(w, "DELETE", `/v1/organizations/demo/webhooks/${id}`, { token: adminToken })).status, 200);
  await row.locator('[data-action="delete"]').click();
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-dialog[open] #confirm-yes");
  await row.waitFor({ state: "detached" });
  await page.waitForSelector('[data-error="webhooks-list"]:text("(3001)")');
});

test("no page errors along the way", { timeout: 90_000 }, () => {
  assert.deepEqual(errors, []);
});
