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
    VALUES ('ab0000000000000000000001', 'other', 'Other', 'free', 'ab00000000000000000000a1', 'ab00000000000000000000b1', 'LC0other', 1, 1)`);
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
  assertGoogleError(await call(w, "GET", `${fresh}?pageSize=101`, { token }), 400, "INVALID_ARGUMENT");
  assertGoogleError(await call(w, "GET", `${fresh}?pageToken=forged`, { token }), 400, "INVALID_ARGUMENT");
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
