// The admin page end to end: `wrangler dev` (local D1, demo seed) serves the
// page at / and the API; headless Chromium signs in, sees validation messages
// appear while typing, creates tokens and checks that their QR codes show and
// scan, deletes a token (confirmed in the page's dialog), edits a device
// with pickers, manages members and API keys, reads the audit log, and opens
// signed in behind Cloudflare Access (the test plays the identity provider).
// Screenshots: tests/artifacts/admin-*.png.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { call, ROOT, startWorker } from "../e2e/lib/server.mjs";
import { ARTIFACTS, holdFirst, launch, watchErrors, within } from "../../pkg/test/browser.mjs";
import { decodeSvg } from "../../pkg/test/qr.mjs";
import { jwt, keyPair, oidcVars, serveJwks } from "../e2e/lib/idp.mjs";

let w, browser, page, errors, adminToken, idp;
const accessKey = keyPair("EC", "access-1"); // Cloudflare Access' signing key, as the test plays it
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `admin-${name}.png`), fullPage: true });
const api = (method, path, body) => call(w, method, path, { token: adminToken, body });
const errorOf = (form, field) => page.locator(`${form} [data-error="${field}"]`);
/** Answers the page's own confirmation dialog (ui.js confirmAction) with its Confirm button. */
const confirmInPage = async () => {
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-dialog[open] #confirm-yes");
  await page.waitForSelector("#confirm-dialog:not([open])", { state: "attached" });
};

before(async () => {
  idp = await serveJwks(() => [accessKey.jwk]);
  w = await startWorker({ seedFile: join(ROOT, "scripts", "seed-demo.sql"), vars: oidcVars(idp) });
  adminToken = w.token({ perms: ["*"], orgs: ["*"] });
  browser = await launch();
  page = await browser.context.newPage();
  errors = watchErrors(page);
});

after(async () => {
  await browser?.close();
  await w?.stop();
  idp?.close();
});

// This first test's time includes the file's before() (a worker and
// Chromium starting): 9 s on an idle machine, 30-52 s in full runs.
test("the worker serves the page and the package as static assets", { timeout: 300_000 }, async () => {
  const html = await w.fetch("/");
  assert.equal(html.status, 200);
  assert.match(html.headers.get("content-type"), /text\/html/);
  const wasm = await w.fetch("/pkg/dist/mdm_wasm_bg.wasm");
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  // API routes still reach the worker.
  assert.equal((await w.fetch("/health")).status, 200);
});

test("a bad token is refused; a good one signs in", { timeout: 90_000 }, async () => {
  await page.goto(w.url + "/");
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#sign-in-form [name=token]", "not.a.jwt");
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector('#sign-in-form [data-error="form"]:text("Invalid Token (4004)")');
  await page.fill("#sign-in-form [name=token]", adminToken);
  await page.fill("#sign-in-form [name=organization]", "demo");
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector("#app:not([hidden])");
  assert.match(await page.textContent("#who"), /admin @ demo/);
});

test("AOSP token form: messages appear as the user types", { timeout: 90_000 }, async () => {
  await page.click('[data-tab="aosp"]');
  const duration = "#aosp-form [name=duration]";
  await page.type(duration, "5");
  await page.waitForSelector('#aosp-form [data-error="duration"]:text("must be at least 60")');
  assert.equal(await page.isDisabled("#aosp-form button[type=submit]"), true);
  await page.type(duration, "9999999");
  await page.waitForSelector('#aosp-form [data-error="duration"]:text("must be at most 2592000")');
  await page.fill(duration, "12x");
  await page.waitForSelector('#aosp-form [data-error="duration"]:text("must be an integer, not a string")');
  await page.type("#aosp-form [name=tags]", "lobby,,kiosk");
  await page.waitForSelector('#aosp-form [data-error="tags"]:text("must not be empty")');
  // A cap without perpetual: the cross-field rule, as the server states it.
  await page.type("#aosp-form [name=maxEnrollments]", "3");
  await page.waitForSelector('#aosp-form [data-error="maxEnrollments"]:not(:empty)');
  assert.equal(await page.getAttribute("#aosp-form [name=maxEnrollments]", "aria-invalid"), "true");
  await shot("aosp-validation");

  // Fixing each field clears its message.
  await page.fill(duration, "3600");
  await page.fill("#aosp-form [name=tags]", "lobby, kiosk");
  await page.fill("#aosp-form [name=maxEnrollments]", "");
  await page.waitForFunction(() => [...document.querySelectorAll("#aosp-form .error")].every((p) => p.textContent === ""));
  assert.equal(await page.isDisabled("#aosp-form button[type=submit]"), false);
});

test("creating an AOSP token shows its QR code, which scans to the token's payload", { timeout: 90_000 }, async () => {
  await page.fill("#aosp-form [name=displayName]", "Front desk");
  await page.click("#aosp-form button[type=submit]");
  await page.waitForSelector("#qr-dialog[open] #qr-code svg");
  await shot("aosp-qr");
  const svg = await page.innerHTML("#qr-code");
  const scanned = JSON.parse(decodeSvg(svg));

  const list = await api("GET", "/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens");
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const token = list.body.data.items.find((t) => t.displayName === "Front desk");
  assert.ok(token, "the token was created");
  assert.deepEqual(token.tags, ["lobby", "kiosk"]);
  assert.deepEqual(scanned, token.config.qrCode);
  await page.click("#qr-dialog button");

  const row = page.locator(`#aosp-table tr[data-id="${token.id}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /Front desk.*PENDING/);
});

test("the server's 5209 details land on the form too", { timeout: 240_000 }, async () => {
  // An MDM user offered by the picker, deleted before the form is sent:
  // valid for the validator, but no such MDM user in the organization any more.
  const user = await api("POST", "/v1/organizations/demo/mdm-users", { email: "leaving@example.com" });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  // Showing the tab loads the pickers again. The test waits for the MDM
  // users' answer itself, and says what it was: in a full run, beside the
  // other suites' servers, it once did not fill the picker within
  // selectOption's 30 s, and nothing told why. A request, not a response,
  // is awaited: one sent before the user existed may still be answering.
  const sent = page.waitForRequest((r) => r.method() === "GET" && new URL(r.url()).pathname.endsWith("/mdm-users"), { timeout: 30_000 });
  await page.click('[data-tab="aosp"]');
  const answer = await within(100_000, (await sent).response(), "no answer to the MDM users request");
  assert.ok(answer, "the MDM users request failed");
  const listed = await answer.json();
  assert.equal(answer.status(), 200, JSON.stringify(listed));
  assert.ok(listed.data.items.some((u) => u.id === user.body.data.id), "the picker's list has the new MDM user");
  await page.waitForSelector(`#aosp-form [name=mdmUserId] option[value="${user.body.data.id}"]`, { state: "attached", timeout: 60_000 });
  await page.selectOption("#aosp-form [name=mdmUserId]", user.body.data.id);
  assert.equal((await api("DELETE", `/v1/organizations/demo/mdm-users/${user.body.data.id}`)).status, 200);
  await page.click("#aosp-form button[type=submit]");
  await page.waitForSelector('#aosp-form [data-error="form"]:text("Invalid input (5209)")');
  assert.notEqual(await page.textContent('#aosp-form [data-error="mdmUserId"]'), "");
  await page.selectOption("#aosp-form [name=mdmUserId]", "");
});

test("a list and a picker show their newest answer, though an older one arrives last", { timeout: 240_000 }, async () => {
  // The first answers of the AOSP token list and of the MDM users list are
  // held until the next ones (with a token and a user created in between)
  // are on the page.
  const held = [
    await holdFirst(page, (url) => url.pathname.endsWith("/mdm/aosp/enterprise/enrollment-tokens")),
    await holdFirst(page, (url) => url.pathname.endsWith("/mdm-users")),
  ];
  let user, token;
  try {
    await page.click('[data-tab="aosp"]'); // its two answers are held
    for (const h of held) await within(100_000, h.fetched, "the first click's list requests");
    user = await api("POST", "/v1/organizations/demo/mdm-users", { email: "newest@example.com" });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    token = await api("POST", "/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens", { displayName: "Newest" });
    assert.equal(token.status, 201, JSON.stringify(token.body));
    const option = `#aosp-form [name=mdmUserId] option[value="${user.body.data.id}"]`;
    const row = `#aosp-table tr[data-id="${token.body.data.id}"]`;
    await page.click('[data-tab="aosp"]');
    await page.waitForSelector(option, { state: "attached", timeout: 60_000 });
    await page.waitForSelector(row, { timeout: 60_000 });
    for (const h of held) h.release();
    for (const h of held) await within(60_000, h.delivered, "the held answers' delivery");
    // The older answers, without the user and the token, must not replace
    // the newer: they would within moments of arriving.
    await page.waitForTimeout(2_000);
    assert.equal(await page.locator(option).count(), 1, "an older answer replaced the picker's newer list");
    assert.equal(await page.locator(row).count(), 1, "an older answer replaced the token list's newer page");
  } finally {
    for (const h of held) await h.stop();
    if (user?.status === 201) await api("DELETE", `/v1/organizations/demo/mdm-users/${user.body.data.id}`);
    if (token?.status === 201) await api("DELETE", `/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens/${token.body.data.id}`);
  }
});

test("deleting an AOSP token removes it from the list", { timeout: 90_000 }, async () => {
  const list = await api("GET", "/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens");
  const token = list.body.data.items.find((t) => t.displayName === "Front desk");
  await page.click(`#aosp-table tr[data-id="${token.id}"] [data-action=delete]`);
  await confirmInPage();
  await page.waitForSelector(`#aosp-table tr[data-id="${token.id}"]`, { state: "detached" });
  const gone = await api("GET", `/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens/${token.id}`);
  assert.equal(gone.status, 404);
});

test("Windows tokens: live validation, create, QR of the enrollment link, delete", { timeout: 90_000 }, async () => {
  await page.click('[data-tab="windows"]');
  await page.check("#windows-form [name=sendEmail]");
  await page.waitForSelector('#windows-form [data-error="mdmUserId"]:text("is required when sendEmail is true")');
  await page.type("#windows-form [name=duration]", "59");
  await page.waitForSelector('#windows-form [data-error="duration"]:text("must be at least 60")');
  await shot("windows-validation");
  await page.uncheck("#windows-form [name=sendEmail]");
  await page.fill("#windows-form [name=duration]", "7200");
  await page.fill("#windows-form [name=displayName]", "Finance laptops");
  await page.waitForFunction(() => [...document.querySelectorAll("#windows-form .error")].every((p) => p.textContent === ""));
  await page.click("#windows-form button[type=submit]");
  await page.waitForSelector("#qr-dialog[open] #qr-code svg");
  const link = decodeSvg(await page.innerHTML("#qr-code"));
  assert.match(link, /^ms-device-enrollment:\?mode=mdm&/);
  await shot("windows-qr");
  await page.click("#qr-dialog button");

  const list = await api("GET", "/v1/organizations/demo/mdm/windows/enterprise/enrollment-tokens");
  const token = list.body.data.items.find((t) => t.displayName === "Finance laptops");
  assert.equal(token.enrollmentLink, link);
  const row = page.locator(`#windows-table tr[data-id="${token.id}"]`);
  assert.match(await row.textContent(), /Finance laptops.*PENDING.*in 2 h/);
  await row.locator("[data-action=delete]").click();
  await confirmInPage();
  await row.waitFor({ state: "detached" });
});

test("a device enrolled with a token can be edited, with live validation", { timeout: 90_000 }, async () => {
  // A device enrolls with a fresh token (device side: the token is the credential).
  const created = await api("POST", "/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens", { displayName: "For a device" });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const enrolled = await call(w, "POST", "/v1/enroll/aosp", {
    body: { token: created.body.data.config.oneTimeToken, device: { serialNumber: "SN-ADMIN-1", model: "Pixel" } },
  });
  assert.ok(enrolled.status === 200 || enrolled.status === 201, JSON.stringify(enrolled.body));

  await page.click('[data-tab="devices"]');
  const row = page.locator("#devices-table tbody tr").first();
  await row.waitFor();
  await row.locator("[data-action=edit]").click();
  await page.waitForSelector("#device-editor:not([hidden])");
  await page.fill("#device-form [name=displayName]", "x".repeat(257));
  await page.waitForSelector('#device-form [data-error="displayName"]:text("must be at most 256 characters")');
  await shot("device-validation");
  // The policy from a picker: the seeded demo policy, by name.
  await page.selectOption("#device-form [name=policyId]", { label: "Demo AOSP policy (v1)" });
  await page.fill("#device-form [name=displayName]", "Reception tablet");
  await page.fill("#device-form [name=tags]", "front, shared");
  await page.click("#device-form button[type=submit]");
  await page.waitForSelector('#device-saved:text("Saved.")');
  await page.waitForSelector('#devices-table tbody tr:has-text("Reception tablet")');
  await shot("device-saved");

  const devices = await api("GET", "/v1/organizations/demo/mdm/aosp/enterprise/devices");
  const device = devices.body.data.items.find((d) => d.displayName === "Reception tablet");
  assert.deepEqual(device?.tags, ["front", "shared"]);
  assert.equal(device.aosPolicyId, "de0000000000000000000021");
});

test("sign in with an API key, add a member, create a key (shown once) and revoke it", { timeout: 120_000 }, async () => {
  const created = await api("POST", "/v1/organizations/demo/api-keys", { name: "browser", permissions: ["*"] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in:not([hidden])");
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#sign-in-form [name=token]", created.body.data.key);
  await page.fill("#sign-in-form [name=organization]", "demo");
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector("#app:not([hidden])");
  assert.match(await page.textContent("#who"), /apiKey:[0-9a-f]{24} @ demo .*\(API key\)/);

  await page.click('[data-tab="members"]');
  await page.type("#member-form [name=email]", "not-an-email");
  await page.waitForSelector('#member-form [data-error="email"]:not(:empty)');
  await page.fill("#member-form [name=email]", "ops@example.com");
  await page.selectOption("#member-form [name=role]", "operator");
  await page.click("#member-form button[type=submit]");
  await page.waitForSelector('#members-table tbody tr:has-text("ops@example.com")');
  assert.match(await page.textContent('#members-table tbody tr:has-text("ops@example.com")'), /operator/);
  await shot("members");

  await page.click('[data-tab="keys"]');
  await page.fill("#key-form [name=name]", "automation-key");
  await page.fill("#key-form [name=permissions]", "mdm.aosp.*");
  await page.click("#key-form button[type=submit]");
  await page.waitForSelector("#new-key:not([hidden])");
  const key = (await page.textContent("#new-key-value")).trim();
  assert.match(key, /^mdme_/);
  await page.click("#new-key-copy");
  await page.waitForSelector('#new-key-copied:not(:empty)');
  const row = page.locator('#keys-table tbody tr:has-text("automation-key")');
  await row.waitFor();
  assert.ok(!(await page.textContent("#keys-table")).includes(key), "the list never shows the key");
  await shot("keys");
  assert.equal((await call(w, "GET", "/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens", { token: key })).status, 200);
  await row.locator("[data-action=delete]").click();
  await confirmInPage();
  await page.waitForSelector('#keys-table tbody tr:has-text("automation-key")', { state: "detached" });
  const after = await call(w, "GET", "/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens", { token: key });
  assert.equal(after.status, 401);
  assert.equal(after.body.error.code, 4004);
});

test("the audit log shows who changed what, with the API's filters", { timeout: 90_000 }, async () => {
  await page.click('[data-tab="audit"]');
  // Newest first: the key revoked a moment ago, by the API key signed in.
  const first = page.locator("#audit-table tbody tr").first();
  await first.waitFor();
  assert.match(await first.textContent(), /admin\.apiKey\.remove.*apiKey [0-9a-f]{24}/);
  assert.match(await first.textContent(), /\(apiKey\)/);
  await page.fill("#audit-filter [name=action]", "admin.member.create");
  await page.click("#audit-filter button[type=submit]");
  await page.waitForFunction(() =>
    [...document.querySelectorAll("#audit-table tbody tr")].every((tr) => tr.textContent.includes("admin.member.create")),
  );
  assert.equal(await page.locator("#audit-table tbody tr").count(), 1);
  await shot("audit");
  // A filter the API refuses: its message, not a page error.
  await page.fill("#audit-filter [name=from]", "yesterday");
  await page.click("#audit-filter button[type=submit]");
  await page.waitForSelector('[data-error="audit-list"]:text("from")');
  await page.fill("#audit-filter [name=from]", "");
  await page.fill("#audit-filter [name=action]", "");
});

test("behind Cloudflare Access the page opens signed in, with the person's role", { timeout: 90_000 }, async () => {
  const member = await api("POST", "/v1/organizations/demo/members", { email: "ann@access.test", role: "operator" });
  assert.equal(member.status, 201, JSON.stringify(member.body));
  // A tab of its own (no saved sign-in), every request of which carries the
  // assertion Access adds in front of the worker.
  const behindAccess = await browser.context.newPage();
  const accessErrors = watchErrors(behindAccess);
  await behindAccess.setExtraHTTPHeaders({ "cf-access-jwt-assertion": jwt(accessKey, { email: "Ann@Access.test" }) });
  await behindAccess.goto(w.url + "/");
  await behindAccess.waitForSelector("#app:not([hidden])");
  assert.ok(await behindAccess.isHidden("#sign-in"), "no sign-in form behind Access");
  assert.equal(await behindAccess.textContent("#who"), "Ann@Access.test @ demo · role operator (single sign-on)");
  await behindAccess.waitForSelector("#aosp-table");
  await behindAccess.screenshot({ path: join(ARTIFACTS, "admin-access.png"), fullPage: true });
  await behindAccess.close();
  assert.deepEqual(accessErrors, []);
});

test("no page errors along the way", { timeout: 90_000 }, () => {
  assert.deepEqual(errors, []);
});
