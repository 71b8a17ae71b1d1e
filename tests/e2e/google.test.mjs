// The Google-compatible surface (/v1/enterprises/:enterpriseId/enrollmentTokens)
// over real HTTP, then Google's own Python client against it
// (tests/python/google_client_test.py, from the venv scripts/install.sh makes).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startWorker, call, ROOT } from "./lib/server.mjs";

// The demo organization's enterpriseId is its id (scripts/seed-demo.sql), as
// for organizations created through the API; `other` below keeps a distinct
// one (LC0other), as an imported Google enterprise would.
const ENTERPRISE = "de0000000000000000000001";
const BASE = `/v1/enterprises/${ENTERPRISE}/enrollmentTokens`;

let w;
let token;
before(async () => {
  w = await startWorker({ seedFile: join(ROOT, "scripts", "seed-demo.sql") });
  await w.sql(`INSERT INTO organizations (id, slug, name, plan, aos_enterprise_id, win_enterprise_id, enterprise_id, created_at, updated_at)
    VALUES ('ab0000000000000000000001', 'other', 'Other', 'pro', 'ab00000000000000000000a1', 'ab00000000000000000000b1', 'LC0other', 1, 1)`);
  token = w.token({ perms: ["androidmanagement"], orgs: ["demo", "other"] });
});
after(async () => {
  await w?.stop();
});

function assertGoogleError(r, code, status) {
  assert.equal(r.status, code, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code);
  assert.equal(r.body.error.status, status);
  assert.equal(typeof r.body.error.message, "string");
  assert.equal(r.body.status, undefined, "no envelope on the Google surface");
}

test("create: server-generated name, value, expiry, qrCode; defaults and normalisation", async () => {
  const before = Date.now();
  let r = await call(w, "POST", BASE, { token, body: {} });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const t = r.body;
  assert.match(t.name, new RegExp(`^enterprises/${ENTERPRISE}/enrollmentTokens/[0-9a-f]{24}$`));
  assert.equal(t.duration, "3600s");
  assert.ok(Math.abs(Date.parse(t.expirationTimestamp) - (before + 3_600_000)) < 60_000);
  assert.match(t.expirationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.equal(t.policyName, `enterprises/${ENTERPRISE}/policies/default`);
  assert.equal(t.oneTimeOnly, false);
  assert.ok(t.value.length >= 22);
  assert.equal(JSON.parse(t.qrCode)["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"]["com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN"], t.value);

  // The slug and the organization id address the same enterprise; names use the enterpriseId.
  r = await call(w, "POST", "/v1/enterprises/demo/enrollmentTokens", {
    token,
    body: {
      duration: "2592000s",
      policyName: `enterprises/${ENTERPRISE}/policies/kiosk`,
      additionalData: "a".repeat(1024),
      oneTimeOnly: true,
      user: { accountIdentifier: "asset#44418" },
      allowPersonalUsage: "PERSONAL_USAGE_DISALLOWED",
      name: "ignored", // output-only fields are ignored
    },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.name.startsWith(`enterprises/${ENTERPRISE}/`));
  assert.equal(r.body.duration, "2592000s");
  assert.equal(r.body.policyName, `enterprises/${ENTERPRISE}/policies/kiosk`);
  assert.equal(r.body.oneTimeOnly, true);
  assert.deepEqual(r.body.user, { accountIdentifier: "asset#44418" });
  assert.equal(r.body.allowPersonalUsage, "PERSONAL_USAGE_DISALLOWED");
  const byId = await call(w, "GET", `/v1/enterprises/${ENTERPRISE}/enrollmentTokens/${r.body.name.split("/").pop()}`, { token });
  assert.deepEqual(byId.body, r.body);
  // An enterpriseId that differs from the organization id: names use it, the id and slug also resolve.
  r = await call(w, "POST", "/v1/enterprises/ab0000000000000000000001/enrollmentTokens", { token, body: {} });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.name.startsWith("enterprises/LC0other/enrollmentTokens/"), r.body.name);
});

test("create: INVALID_ARGUMENT lists every field violation", async () => {
  const r = await call(w, "POST", BASE, {
    token,
    body: { duration: "59s", additionalData: "a".repeat(1025), policyName: "a/b", oneTimeOnly: "yes" },
  });
  assertGoogleError(r, 400, "INVALID_ARGUMENT");
  const fields = r.body.error.details[0].fieldViolations.map((v) => v.field).sort();
  assert.deepEqual(fields, ["additionalData", "duration", "oneTimeOnly", "policyName"]);
  assertGoogleError(await call(w, "POST", BASE, { token, body: { duration: "2592001s" } }), 400, "INVALID_ARGUMENT");
  assertGoogleError(await call(w, "POST", BASE, { token, body: "{", headers: { "content-type": "application/json" } }), 400, "INVALID_ARGUMENT");
});

test("get / delete / NOT_FOUND; tenancy across enterprises", async () => {
  const { body } = await call(w, "POST", BASE, { token, body: {} });
  const id = body.name.split("/").pop();
  assert.deepEqual((await call(w, "GET", `${BASE}/${id}`, { token })).body, body);
  // Another enterprise the caller may see does not have it.
  assertGoogleError(await call(w, "GET", `/v1/enterprises/LC0other/enrollmentTokens/${id}`, { token }), 404, "NOT_FOUND");
  assertGoogleError(await call(w, "DELETE", `/v1/enterprises/other/enrollmentTokens/${id}`, { token }), 404, "NOT_FOUND");
  // A caller limited to `other` cannot see demo's enterprise at all.
  const limited = w.token({ perms: ["androidmanagement"], orgs: ["other"] });
  assertGoogleError(await call(w, "GET", `${BASE}/${id}`, { token: limited }), 404, "NOT_FOUND");
  assertGoogleError(await call(w, "GET", BASE, { token: limited }), 404, "NOT_FOUND");

  const del = await call(w, "DELETE", `${BASE}/${id}`, { token });
  assert.equal(del.status, 200);
  assert.deepEqual(del.body, {});
  assertGoogleError(await call(w, "GET", `${BASE}/${id}`, { token }), 404, "NOT_FOUND");
  assertGoogleError(await call(w, "DELETE", `${BASE}/${id}`, { token }), 404, "NOT_FOUND");
  assertGoogleError(await call(w, "GET", `${BASE}/nope`, { token }), 404, "NOT_FOUND");
  assertGoogleError(await call(w, "GET", "/v1/enterprises/nope/enrollmentTokens", { token }), 404, "NOT_FOUND");
});

test("list: pageSize / pageToken paging, oldest first, deleted tokens left out", async () => {
  const fresh = "/v1/enterprises/LC0other/enrollmentTokens";
  const earlier = (await call(w, "GET", `${fresh}?pageSize=100`, { token })).body.enrollmentTokens.map((t) => t.name);
  const names = [];
  for (let i = 0; i < 5; i++) names.push((await call(w, "POST", fresh, { token, body: {} })).body.name);
  await call(w, "DELETE", `/v1/enterprises/other/enrollmentTokens/${names[4].split("/").pop()}`, { token });
  const expected = [...earlier, ...names.slice(0, 4)];
  const seen = [];
  let pageToken = "";
  for (let pages = 1; ; pages++) {
    const r = await call(w, "GET", `${fresh}?pageSize=2${pageToken ? `&pageToken=${pageToken}` : ""}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.enrollmentTokens.length <= 2);
    seen.push(...r.body.enrollmentTokens.map((t) => t.name));
    if (!r.body.nextPageToken) break;
    pageToken = r.body.nextPageToken;
    assert.ok(pages < 10, "paging does not end");
  }
  assert.deepEqual(seen, expected);
  const all = await call(w, "GET", fresh, { token });
  assert.deepEqual(all.body.enrollmentTokens.map((t) => t.name), expected.slice(0, 10));
  // Above 100 is coerced to 100, like Google's API; a negative size is still refused.
  for (let i = 0; i < 101 - expected.length; i++) await call(w, "POST", fresh, { token, body: {} });
  const big = await call(w, "GET", `${fresh}?pageSize=500`, { token });
  assert.equal(big.status, 200, JSON.stringify(big.body));
  assert.equal(big.body.enrollmentTokens.length, 100);
  assert.ok(big.body.nextPageToken, "a 101st token is on the next page");
  assertGoogleError(await call(w, "GET", `${fresh}?pageSize=-1`, { token }), 400, "INVALID_ARGUMENT");
  assertGoogleError(await call(w, "GET", `${fresh}?pageToken=forged`, { token }), 400, "INVALID_ARGUMENT");
});

/** The token value a device finds in the token's qrCode. */
function qrValue(t) {
  return JSON.parse(t.qrCode)["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"][
    "com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN"
  ];
}

function enroll(value, serialNumber) {
  return call(w, "POST", "/v1/enroll/aosp", { body: { token: value, device: { serialNumber } } });
}

/** Unknown or deleted: 404 / 3001; used up or expired: 409 / 5010 (the lifecycle forbids it). */
function assertNotEnrolled(r, status = 404) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.status, false);
  assert.equal(r.body.error.code, status === 404 ? 3001 : 5010);
}

const DEVICES = "/v1/organizations/demo/mdm/aosp/enterprise/devices";

test("enroll with a Google token: the device joins the enterprise and shows enrollmentTokenData", async () => {
  const admin = w.token();
  const r = await call(w, "POST", BASE, {
    token,
    body: { additionalData: '{"site":"berlin"}', policyName: "kiosk", oneTimeOnly: true },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const t = r.body;
  const e = await enroll(qrValue(t), "G-ONE");
  assert.equal(e.status, 201, JSON.stringify(e.body));
  const { aosDeviceId, organizationId, deviceSecret, state } = e.body.data;
  assert.equal(organizationId, ENTERPRISE);
  assert.equal(state, "PROVISIONING");
  const device = (await call(w, "GET", `${DEVICES}/${aosDeviceId}`, { token: admin })).body.data;
  assert.equal(device.config.deviceReport.enrollmentTokenData, '{"site":"berlin"}');
  assert.equal(device.config.deviceReport.enrollmentTokenName, t.name);
  assert.equal(device.config.deviceReport.policyName, `enterprises/${ENTERPRISE}/policies/kiosk`);
  const listed = (await call(w, "GET", `${DEVICES}?limit=100`, { token: admin })).body.data.items;
  assert.ok(listed.some((d) => d.id === aosDeviceId));
  // A status report replaces the device report but keeps what enrollment put there.
  const report = await call(w, "POST", `/v1/devices/aosp/${aosDeviceId}/status`, {
    body: { policyCompliant: true },
    headers: { "x-device-secret": deviceSecret },
  });
  assert.equal(report.status, 200, JSON.stringify(report.body));
  const reported = (await call(w, "GET", `${DEVICES}/${aosDeviceId}`, { token: admin })).body.data;
  assert.equal(reported.config.deviceReport.policyCompliant, true);
  assert.equal(reported.config.deviceReport.enrollmentTokenData, '{"site":"berlin"}');
  assert.equal(reported.config.deviceReport.enrollmentTokenName, t.name);
  // Used up, the one-time token still lists and gets (as Google's does until it expires) but enrolls nothing;
  // it shows its one device and when it enrolled.
  assertNotEnrolled(await enroll(t.value, "G-TWO"), 409);
  const id = t.name.split("/").pop();
  assert.equal(t.enrolledDevices, 0);
  assert.equal(t.lastEnrollmentAt, undefined);
  assert.deepEqual((await call(w, "GET", `${BASE}/${id}`, { token })).body, {
    ...t,
    enrolledDevices: 1,
    lastEnrollmentAt: e.body.data.enrolledDate,
  });
});

test("a oneTimeOnly Google token admits exactly one of 20 concurrent devices", async () => {
  const t = (await call(w, "POST", BASE, { token, body: { oneTimeOnly: true, additionalData: "race" } })).body;
  const before = (await w.sql("SELECT count(*) AS n FROM aosp_devices"))[0].n;
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => enroll(qrValue(t), `G-RACE-${i}`)));
  const wins = results.filter((r) => r.status === 201);
  assert.equal(wins.length, 1, JSON.stringify(results.map((r) => r.status)));
  for (const l of results.filter((r) => r.status !== 201)) assertNotEnrolled(l, 409);
  assert.equal((await w.sql("SELECT count(*) AS n FROM aosp_devices"))[0].n - before, 1);
  const rows = await w.sql(`SELECT status, enrolled_count FROM google_enrollment_tokens WHERE id = '${t.name.split("/").pop()}'`);
  assert.deepEqual(rows[0], { status: "DONE", enrolled_count: 1 });
});

test("a reusable Google token admits several devices; deleted or expired, none", async () => {
  const t = (await call(w, "POST", BASE, { token, body: { additionalData: "fleet" } })).body;
  const ids = [];
  for (const sn of ["G-M-1", "G-M-2"]) {
    const r = await enroll(qrValue(t), sn);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.data.aosDeviceId);
  }
  assert.equal(new Set(ids).size, 2);
  const id = t.name.split("/").pop();
  assert.equal((await call(w, "DELETE", `${BASE}/${id}`, { token })).status, 200);
  assertNotEnrolled(await enroll(t.value, "G-M-3"));

  const deleted = (await call(w, "POST", BASE, { token, body: {} })).body;
  await call(w, "DELETE", `${BASE}/${deleted.name.split("/").pop()}`, { token });
  assertNotEnrolled(await enroll(qrValue(deleted), "G-D-1"));

  const expired = (await call(w, "POST", BASE, { token, body: { duration: "60s" } })).body;
  await w.sql(`UPDATE google_enrollment_tokens SET expires_at = expires_at - 3600000 WHERE id = '${expired.name.split("/").pop()}'`);
  assertNotEnrolled(await enroll(qrValue(expired), "G-E-1"), 409);
  assertNotEnrolled(await enroll("no-such-token", "G-U-1"));
});

test("UNAUTHENTICATED and PERMISSION_DENIED in Google's body", async () => {
  assertGoogleError(await call(w, "GET", BASE), 401, "UNAUTHENTICATED");
  assertGoogleError(await call(w, "POST", BASE, { token: "garbage", body: {} }), 401, "UNAUTHENTICATED");
  const noPerm = w.token({ perms: ["mdm.aosp.*"], orgs: ["*"] });
  assertGoogleError(await call(w, "GET", BASE, { token: noPerm }), 403, "PERMISSION_DENIED");
  assertGoogleError(await call(w, "PATCH", BASE, { token }), 405, "UNIMPLEMENTED");
});

test("Google's own Python client (google-api-python-client) works with only the endpoint changed", async () => {
  const python = join(ROOT, ".venv", "bin", "python");
  assert.ok(existsSync(python), "no .venv: run scripts/install.sh (make install)");
  try {
    const { stderr } = await promisify(execFile)(python, [join(ROOT, "tests", "python", "google_client_test.py")], {
      cwd: ROOT,
      env: { ...process.env, MDM_URL: w.url, MDM_TOKEN: token, MDM_ENTERPRISE: ENTERPRISE },
      timeout: 120_000,
    });
    // unittest reports on stderr; keep the summary in the TAP output.
    console.log(stderr.trim().split("\n").slice(-3).join("\n"));
  } catch (e) {
    assert.fail(`python client test failed:\n${e.stdout}\n${e.stderr}`);
  }
});
