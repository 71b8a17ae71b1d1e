// The admin page's device and resource management, end to end: `wrangler dev`
// (local D1, demo seed) and headless Chromium. A device is disabled, then
// deleted from its view, each action confirmed in the page's own dialog (a
// cancelled one changes nothing), and the API and the device's status
// report agree; Windows devices are listed and acted on; a token shows its
// usage and its devices; a token's policy, user and segment are picked from
// lists; a resource is edited and deleted, and a delete refused because the
// resource is in use says by what. Screenshots: tests/artifacts/devices-*.png.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { call, ROOT, startWorker } from "../e2e/lib/server.mjs";
import { ARTIFACTS, holdFirst, launch, watchErrors, within } from "../../pkg/test/browser.mjs";

const ORG = "/v1/organizations/demo";
const AOSP = `${ORG}/mdm/aosp/enterprise`;
const WIN = `${ORG}/mdm/windows/enterprise`;
const DEMO_POLICY = "de0000000000000000000021";
const DEMO_USER = "de0000000000000000000011";

let w, browser, page, errors, adminToken;
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `devices-${name}.png`), fullPage: true });
const api = (method, path, body) => call(w, method, path, { token: adminToken, body });

/** The body of a successful API call. */
async function ok(method, path, body) {
  const r = await api(method, path, body);
  assert.ok(r.status === 200 || r.status === 201, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data;
}

/** An AOSP device enrolled with a fresh token: `{id, secret, token}`. */
async function aospDevice(serialNumber, tokenBody = {}) {
  const token = await ok("POST", `${AOSP}/enrollment-tokens`, tokenBody);
  const r = await call(w, "POST", "/v1/enroll/aosp", { body: { token: token.config.oneTimeToken, device: { serialNumber } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.data.aosDeviceId, secret: r.body.data.deviceSecret, token };
}

const report = (device) =>
  call(w, "POST", `/v1/devices/aosp/${device.id}/status`, { body: {}, headers: { "X-Device-Secret": device.secret } });

/** Answers the page's confirmation dialog: its Confirm button, or Cancel. */
async function answer(confirmed, expectedText) {
  await page.waitForSelector("#confirm-dialog[open]");
  if (expectedText) assert.match(await page.textContent("#confirm-text"), expectedText);
  await page.click(confirmed ? "#confirm-dialog[open] #confirm-yes" : "#confirm-dialog[open] #confirm-no");
  await page.waitForSelector("#confirm-dialog:not([open])", { state: "attached" });
}

before(async () => {
  w = await startWorker({ seedFile: join(ROOT, "scripts", "seed-demo.sql") });
  adminToken = w.token({ perms: ["*"], orgs: ["*"] });
  browser = await launch();
  page = await browser.context.newPage();
  errors = watchErrors(page);
  await page.goto(w.url + "/");
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#sign-in-form [name=token]", adminToken);
  await page.fill("#sign-in-form [name=organization]", "demo");
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector("#app:not([hidden])");
});

after(async () => {
  await browser?.close();
  await w?.stop();
});

test("an AOSP device is disabled, then deleted from its view, each action confirmed first", { timeout: 120_000 }, async () => {
  const device = await aospDevice("SN-LIFE-1", { displayName: "Lifecycle" });
  assert.equal((await report(device)).body.data.state, "ACTIVE");

  await page.click('[data-tab="devices"]');
  const row = page.locator(`#devices-table tr[data-id="${device.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator("td").nth(1).textContent(), "ACTIVE");
  await row.locator("[data-action=view]").click();
  await page.waitForSelector(`#device-view:not([hidden]) #device-view-id:text("${device.id}")`);
  assert.deepEqual(await page.locator("#device-history tbody tr td:first-child").allTextContents(), ["PROVISIONING", "ACTIVE"]);
  assert.deepEqual(await page.locator("#device-view-actions button").allTextContents(), ["Disable", "Disenroll", "Delete"]);

  // Cancelled: nothing happens.
  await page.click("#device-view-actions [data-action=disable]");
  await answer(false, /Disable .*lock itself/);
  assert.equal((await ok("GET", `${AOSP}/devices/${device.id}`)).state, "ACTIVE");

  // Confirmed: DISABLED, in the view, the list, the API, and the device's next report.
  await page.click("#device-view-actions [data-action=disable]");
  await answer(true);
  await page.waitForSelector('#device-view-facts dd:text-is("DISABLED")');
  assert.deepEqual(await page.locator("#device-history tbody tr td:first-child").allTextContents(), ["PROVISIONING", "ACTIVE", "DISABLED"]);
  assert.deepEqual(await page.locator("#device-view-actions button").allTextContents(), ["Enable", "Disenroll", "Delete"]);
  await page.waitForSelector(`#devices-table tr[data-id="${device.id}"]:has-text("DISABLED")`);
  await shot("disabled");
  const disabled = await ok("GET", `${AOSP}/devices/${device.id}`);
  assert.equal(disabled.state, "DISABLED");
  assert.deepEqual(disabled.stateHistory.map((s) => s.state), ["PROVISIONING", "ACTIVE", "DISABLED"]);
  const told = await report(device);
  assert.equal(told.status, 200, JSON.stringify(told.body));
  assert.deepEqual([told.body.data.state, told.body.data.command], ["DISABLED", "disable"]);

  // Delete: the view shows DELETED with no action left; the secret no longer works.
  await page.click("#device-view-actions [data-action=delete]");
  await answer(true, /Delete .*secret stops working/);
  await page.waitForSelector('#device-view-facts dd:text-is("DELETED")');
  assert.equal(await page.locator("#device-view-actions button").count(), 0);
  await page.waitForSelector(`#devices-table tr[data-id="${device.id}"]`, { state: "detached" });
  await shot("deleted");
  const deleted = await ok("GET", `${AOSP}/devices/${device.id}`);
  assert.equal(deleted.state, "DELETED");
  assert.deepEqual(deleted.stateHistory.map((s) => s.state), ["PROVISIONING", "ACTIVE", "DISABLED", "DELETED"]);
  const refused = await report(device);
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, 4004);

  // The list shows deleted devices when asked for.
  await page.selectOption("#devices-state", "DELETED");
  await page.waitForSelector(`#devices-table tr[data-id="${device.id}"]:has-text("DELETED")`);
  await page.selectOption("#devices-state", "");
  await page.click('#device-view [data-close="#device-view"]');
});

test("Windows devices are listed; a Windows token leads to its device, which is disabled from the page", { timeout: 120_000 }, async () => {
  const token = await ok("POST", `${WIN}/enrollment-tokens`, { displayName: "Finance PC" });
  const enrolled = await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: token.enrollCode, device: { serialNumber: "PC-LIFE-1" } } });
  assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
  const id = enrolled.body.data.id;

  await page.click('[data-tab="devices"]');
  await page.waitForSelector(`#win-devices-table tr[data-id="${id}"]:has-text("PROVISIONING")`);

  // From the Windows token's row: its usage, and the button to its device.
  await page.click('[data-tab="windows"]');
  const tokenRow = page.locator(`#windows-table tr[data-id="${token.id}"]`);
  await tokenRow.waitFor();
  assert.match(await tokenRow.locator("td").nth(4).textContent(), /^1, last /);
  await tokenRow.locator("[data-action=devices]").click();
  await page.waitForSelector(`#device-view:not([hidden]) #device-view-id:text("${id}")`);
  assert.match(await page.textContent("#device-view-title"), /^Windows device: /);
  await page.click("#device-view-actions [data-action=disable]");
  await answer(true);
  await page.waitForSelector('#device-view-facts dd:text-is("DISABLED")');
  await page.waitForSelector(`#win-devices-table tr[data-id="${id}"]:has-text("DISABLED")`);
  await shot("windows");
  assert.equal((await ok("GET", `${WIN}/devices/${id}`)).state, "DISABLED");
  await page.click('#device-view [data-close="#device-view"]');
});

test("an AOSP token shows how many devices it enrolled, and lists them", { timeout: 120_000 }, async () => {
  const token = await ok("POST", `${AOSP}/enrollment-tokens`, { displayName: "Shared kiosks", perpetual: true, maxEnrollments: 5 });
  const ids = [];
  for (const serialNumber of ["KIOSK-1", "KIOSK-2"]) {
    const r = await call(w, "POST", "/v1/enroll/aosp", { body: { token: token.config.oneTimeToken, device: { serialNumber } } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.data.aosDeviceId);
  }
  const got = await ok("GET", `${AOSP}/enrollment-tokens/${token.id}`);
  assert.equal(got.enrolledDevices, 2);

  await page.click('[data-tab="aosp"]');
  const row = page.locator(`#aosp-table tr[data-id="${token.id}"]`);
  await row.waitFor();
  assert.match(await row.locator("td").nth(4).textContent(), /^2 of 5, last /);
  await row.locator("[data-action=devices]").click();
  await page.waitForSelector(`#token-devices:not([hidden]) #token-devices-title:text("Shared kiosks")`);
  await page.waitForFunction((n) => document.querySelectorAll("#token-devices-table tbody tr").length === n, 2);
  const listed = await page.locator("#token-devices-table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  assert.deepEqual(listed.sort(), [...ids].sort());
  await shot("token-devices");
  // One of them, opened from the token's list.
  await page.click(`#token-devices-table tr[data-id="${ids[0]}"] [data-action=view]`);
  await page.waitForSelector(`#device-view:not([hidden]) #device-view-id:text("${ids[0]}")`);
  await page.click('#device-view [data-close="#device-view"]');
});

test("a token's policy, MDM user and segment are picked from lists, and the API has them", { timeout: 120_000 }, async () => {
  const policy = await ok("POST", `${AOSP}/policies`, { name: "Kiosk lockdown", config: { kiosk: true } });
  await page.click('[data-tab="aosp"]'); // the pickers load as the tab opens
  await page.selectOption("#aosp-form [name=aosPolicyAssignments]", { label: "Kiosk lockdown (v1)" });
  await page.selectOption("#aosp-form [name=mdmUserId]", { label: "Demo User <demo.user@example.com>" });
  await page.selectOption("#aosp-form [name=segmentId]", { label: "Headquarters (#1)" });
  await page.selectOption("#aosp-form [name=dpcBuildTag]", { label: "stable" });
  await page.fill("#aosp-form [name=displayName]", "Picked");
  await page.click("#aosp-form button[type=submit]");
  await page.waitForSelector("#qr-dialog[open]");
  await shot("picked");
  await page.click("#qr-dialog button");

  const tokens = await ok("GET", `${AOSP}/enrollment-tokens?limit=100`);
  const token = tokens.items.find((t) => t.displayName === "Picked");
  assert.ok(token, "the token was created");
  assert.deepEqual(token.aosPolicyAssignments.map((a) => [a.aosPolicyId, a.priority]), [[policy.id, 0]]);
  assert.equal(token.mdmUserId, DEMO_USER);
  assert.equal(token.segmentId, 1);
  assert.equal(token.dpcBuildTag, "stable");

  // Windows: the policy picker.
  await page.click('[data-tab="windows"]');
  await page.selectOption("#windows-form [name=winPolicyId]", { label: "Demo Windows policy (v1)" });
  await page.fill("#windows-form [name=displayName]", "Picked PC");
  await page.click("#windows-form button[type=submit]");
  await page.waitForSelector("#qr-dialog[open]");
  await page.click("#qr-dialog button");
  const win = (await ok("GET", `${WIN}/enrollment-tokens?limit=100`)).items.find((t) => t.displayName === "Picked PC");
  assert.equal(win.winPolicyId, "de0000000000000000000031");
});

test("resources: edit a policy, delete one not in use, and a delete refused while in use says by what", { timeout: 120_000 }, async () => {
  const spare = await ok("POST", `${AOSP}/policies`, { name: "Spare policy" });
  const kiosk = (await ok("GET", `${AOSP}/policies?limit=100`)).items.find((p) => p.name === "Kiosk lockdown");
  await page.click('[data-tab="resources"]');
  await page.selectOption("#resource-kind", "aospPolicies");
  const row = page.locator(`#resources-table tr[data-id="${spare.id}"]`);
  await row.waitFor();

  // Edit, with live validation: a config that is not an object is refused before sending.
  await row.locator("[data-action=edit]").click();
  await page.waitForSelector('#resource-form-title:text("Edit AOSP policy Spare policy")');
  await page.fill("#resource-form [name=config]", "[1, 2]");
  await page.waitForSelector('#resource-form [data-error="config"]:not(:empty)');
  assert.equal(await page.isDisabled("#resource-form button[type=submit]"), true);
  await page.fill("#resource-form [name=config]", '{"camera": false}');
  await page.fill("#resource-form [name=name]", "Spare policy, renamed");
  await page.fill("#resource-form [name=description]", "No camera");
  await page.click("#resource-form button[type=submit]");
  await page.waitForSelector('#resource-saved:text("Saved.")');
  await page.waitForSelector(`#resources-table tr[data-id="${spare.id}"]:has-text("Spare policy, renamed")`);
  const edited = await ok("GET", `${AOSP}/policies/${spare.id}`);
  assert.equal(edited.name, "Spare policy, renamed");
  assert.equal(edited.description, "No camera");
  assert.deepEqual(edited.config, { camera: false });
  assert.equal(edited.version, spare.version + 1);
  await shot("resource-edited");

  // In use (the "Picked" token has it assigned): refused, readably, and kept.
  await page.click(`#resources-table tr[data-id="${kiosk.id}"] [data-action=delete]`);
  await answer(true, /Delete the AOSP policy Kiosk lockdown\?/);
  await page.waitForSelector('[data-error="resources-list"]:text("Still in use by 1 AOSP enrollment token (5012)")');
  assert.match(await page.textContent('[data-error="resources-list"]'), /^AOSP policy Kiosk lockdown: Still in use by 1 AOSP enrollment token \(5012\)$/);
  await shot("resource-in-use");
  assert.equal((await api("GET", `${AOSP}/policies/${kiosk.id}`)).status, 200);

  // Not in use: a cancelled delete keeps it, a confirmed one removes it.
  await page.click(`#resources-table tr[data-id="${spare.id}"] [data-action=delete]`);
  await answer(false);
  assert.equal((await api("GET", `${AOSP}/policies/${spare.id}`)).status, 200);
  await page.click(`#resources-table tr[data-id="${spare.id}"] [data-action=delete]`);
  await answer(true);
  await page.waitForSelector(`#resources-table tr[data-id="${spare.id}"]`, { state: "detached" });
  assert.equal((await api("GET", `${AOSP}/policies/${spare.id}`)).status, 404);
});

test("resources: an MDM user edited, a segment created under a parent, and a parent in use refused", { timeout: 120_000 }, async () => {
  await page.selectOption("#resource-kind", "mdmUsers");
  const userRow = page.locator(`#resources-table tr[data-id="${DEMO_USER}"]`);
  await userRow.locator("[data-action=edit]").click();
  await page.waitForSelector('#resource-form-title:text("Edit MDM user demo.user@example.com")');
  await page.fill("#resource-form [name=displayName]", "");
  await page.click("#resource-form button[type=submit]");
  await page.waitForSelector('#resource-saved:text("Saved.")');
  const user = await ok("GET", `${ORG}/mdm-users/${DEMO_USER}`);
  assert.ok(user.displayName === undefined || user.displayName === null, JSON.stringify(user));

  await page.selectOption("#resource-kind", "segments");
  await page.waitForSelector('#resource-form-title:text("New segment")');
  await page.fill("#resource-form [name=name]", "Floor 2");
  await page.selectOption("#resource-form [name=parentId]", { label: "Headquarters (#1)" });
  await page.click("#resource-form button[type=submit]");
  await page.waitForSelector('#resource-saved:text("Created.")');
  const floor = (await ok("GET", `${ORG}/segments?limit=100`)).items.find((s) => s.name === "Floor 2");
  assert.equal(floor.parentId, 1);
  await page.click('#resources-table tr[data-id="1"] [data-action=delete]');
  await answer(true);
  await page.waitForSelector('[data-error="resources-list"]:text("Still in use by")');
  assert.match(await page.textContent('[data-error="resources-list"]'), /1 child segment\b/);
  assert.equal((await api("GET", `${ORG}/segments/1`)).status, 200);
});

test("a form set up again before its pickers answered keeps the later item's values", { timeout: 240_000 }, async () => {
  // On the segments still: Headquarters (#1) and Floor 2, created above.
  // Editing #1 waits on its parent picker (held); editing Floor 2 then sets
  // the form up; #1's answer, arriving last, must not put #1 back in it.
  const floor2 = (await ok("GET", `${ORG}/segments?limit=100`)).items.find((s) => s.name === "Floor 2");
  assert.ok(floor2, "Floor 2 was created by the test before");
  const held = await holdFirst(page, (url) => url.pathname.endsWith("/segments"));
  try {
    await page.click('#resources-table tr[data-id="1"] [data-action=edit]');
    await within(100_000, held.fetched, "the first edit's picker request");
    await page.click(`#resources-table tr[data-id="${floor2.id}"] [data-action=edit]`);
    await page.waitForSelector('#resource-form-title:text("Edit segment Floor 2")', { timeout: 60_000 });
    held.release();
    await within(60_000, held.delivered, "the held answer's delivery");
    await page.waitForTimeout(2_000);
    assert.equal(await page.textContent("#resource-form-title"), "Edit segment Floor 2");
    assert.equal(await page.inputValue("#resource-form [name=name]"), "Floor 2");
    assert.equal(await page.getAttribute("#resource-form", "data-id"), String(floor2.id));
  } finally {
    await held.stop();
  }
});

test("a device edited again before its pickers answered keeps the later device's values", { timeout: 240_000 }, async () => {
  // The two kiosks enrolled above, made to differ in every field the form
  // shows. Editing the first waits on its segment picker (held); editing the
  // second then sets the form up; the first's answer, arriving last, must
  // not put the first's policy, MDM user or segment back in it.
  const kiosks = (await ok("GET", `${AOSP}/enrollment-tokens?limit=100`)).items.find((t) => t.displayName === "Shared kiosks");
  assert.ok(kiosks, "the Shared kiosks token was created by a test before");
  const [first, second] = (await ok("GET", `${AOSP}/enrollment-tokens/${kiosks.id}/devices?limit=100`)).items;
  assert.ok(first && second, "its two devices were enrolled by a test before");
  const policy = (await ok("GET", `${AOSP}/policies?limit=100`)).items.find((p) => p.name === "Kiosk lockdown");
  const floor2 = (await ok("GET", `${ORG}/segments?limit=100`)).items.find((s) => s.name === "Floor 2");
  assert.ok(policy && floor2, "Kiosk lockdown and Floor 2 were created by the tests before");
  const user = await ok("POST", `${ORG}/mdm-users`, { email: "kiosk.user@example.com", displayName: "Kiosk User" });
  await ok("PUT", `${AOSP}/devices/${first.id}`, { displayName: "Kiosk A", policyId: DEMO_POLICY, mdmUserId: DEMO_USER, segmentId: 1 });
  await ok("PUT", `${AOSP}/devices/${second.id}`, { displayName: "Kiosk B", policyId: policy.id, mdmUserId: user.id, segmentId: floor2.id });

  await page.click('[data-tab="devices"]');
  await page.waitForSelector(`#devices-table tr[data-id="${first.id}"]:has-text("Kiosk A")`);
  await page.waitForSelector(`#devices-table tr[data-id="${second.id}"]:has-text("Kiosk B")`);
  assert.equal(await page.isHidden("#device-editor"), true, "no device is being edited yet");
  const held = await holdFirst(page, (url) => url.pathname.endsWith("/segments"));
  try {
    await page.click(`#devices-table tr[data-id="${first.id}"] [data-action=edit]`);
    await within(100_000, held.fetched, "the first edit's picker request");
    await page.click(`#devices-table tr[data-id="${second.id}"] [data-action=edit]`);
    // The editor opens once an edit's pickers have answered: the second's.
    await page.waitForSelector(`#device-editor:not([hidden]) #device-form[data-id="${second.id}"]`, { timeout: 60_000 });
    held.release();
    await within(60_000, held.delivered, "the held answer's delivery");
    await page.waitForTimeout(2_000);
    assert.equal(await page.getAttribute("#device-form", "data-id"), second.id);
    assert.equal(await page.inputValue("#device-form [name=displayName]"), "Kiosk B");
    assert.equal(await page.inputValue("#device-form [name=policyId]"), policy.id);
    assert.equal(await page.inputValue("#device-form [name=mdmUserId]"), user.id);
    assert.equal(await page.inputValue("#device-form [name=segmentId]"), String(floor2.id));
  } finally {
    await held.stop();
  }
  await page.click("#device-cancel");
});

test("the page's modules are served as scripts with the page's headers", async () => {
  for (const path of ["/ui.js", "/pickers.js", "/devices.js", "/resources.js"]) {
    const r = await w.fetch(path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get("content-type"), /javascript/, path);
    assert.match(r.headers.get("content-security-policy") ?? "", /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-ancestors 'none'$/, path);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(r.headers.get("referrer-policy"), "no-referrer", path);
    await r.arrayBuffer();
  }
});

test("no page errors along the way", () => {
  assert.deepEqual(errors, []);
});
