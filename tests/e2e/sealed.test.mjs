// Credentials at rest and the one plan quota (contract: "Credentials at
// rest", "Quotas"), over real HTTP against wrangler dev and its local D1:
// - after tokens of every kind, enrollments, API keys, a webhook's secret and
//   stored idempotent answers, no credential is anywhere in the D1 files on disk;
// - credential fields show only to callers holding the ...reveal permissions
//   (and always in the create's answer);
// - rows from before migration 0009 (plaintext) still work, and are sealed
//   by their first enrollment or by the cron;
// - one quota over AOSP, Google and Windows credentials and over devices,
//   checked inside the write, also under concurrent requests.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { startWorker, call } from "./lib/server.mjs";
import { client, enroll, assertError } from "./lib/fixtures.mjs";

let w, root;
const orgs = {};
before(async () => {
  w = await startWorker();
  root = client(w, w.token());
  orgs.sealed = await root.org("sealed", "pro");
  await root.org("quota-free", "free");
  orgs.pro = await root.org("quota-pro", "pro");
  await root.org("quota-dev", "free");
});
after(async () => {
  await w?.stop();
});

const AOSP = (org) => `/v1/organizations/${org}/mdm/aosp/enterprise/enrollment-tokens`;
const WIN = (org) => `/v1/organizations/${org}/mdm/windows/enterprise/enrollment-tokens`;
const GOOGLE = (org) => `/v1/enterprises/${org}/enrollmentTokens`;
const winDevice = (n) => ({ serialNumber: `W-${n}`, model: "Surface", manufacturer: "Microsoft" });

/** Every file of the worker's local D1 state (database, WAL, journal). */
async function d1Files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  return out;
}

test("a copy of D1 holds none of the credentials a run made", async () => {
  const secrets = [];
  const aosp = await root.token("sealed");
  const perpetual = await root.token("sealed", { perpetual: true });
  secrets.push(aosp.config.oneTimeToken, perpetual.config.oneTimeToken);
  const google = (await call(w, "POST", GOOGLE("sealed"), { token: w.token(), body: {} })).body;
  assert.ok(google.value);
  secrets.push(google.value);
  const win = await root.post(WIN("sealed"), {});
  const spare = await root.post(WIN("sealed"), {});
  secrets.push(win.enrollCode, win.enrollCode.replaceAll("-", ""), spare.enrollCode, spare.enrollCode.replaceAll("-", ""));
  secrets.push(new URL(spare.enrollmentLink).searchParams.get("accesstoken"));
  // Devices: their secrets are shown once, then only hashed.
  for (const value of [aosp.config.oneTimeToken, perpetual.config.oneTimeToken, google.value]) {
    const r = await enroll(w, value, `S-${secrets.length}`);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    secrets.push(r.body.data.deviceSecret);
  }
  const wd = await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: win.enrollCode, device: winDevice(1) } });
  assert.equal(wd.status, 201, JSON.stringify(wd.body));
  secrets.push(wd.body.data.deviceSecret);
  // An API key, and a create whose answer is stored for its Idempotency-Key.
  const key = await root.post("/v1/organizations/sealed/api-keys", { name: "ci", permissions: ["mdm.aosp.enrollmentToken.list"] });
  secrets.push(key.key);
  // One credential for both: keys are per credential, and two tokens minted
  // a second apart are two credentials.
  const retrier = w.token();
  const again = await call(w, "POST", AOSP("sealed"), {
    token: retrier,
    body: { perpetual: true },
    headers: { "idempotency-key": "sealed-retry-1" },
  });
  assert.equal(again.status, 201);
  secrets.push(again.body.data.config.oneTimeToken);
  // A webhook's signing secret, created with a key so its answer is stored too.
  const hookBody = { url: "http://127.0.0.1:9/sealed", events: ["device.enrolled"], enabled: false };
  const hookHeaders = { "idempotency-key": "sealed-hook-1" };
  const hook = await call(w, "POST", "/v1/organizations/sealed/webhooks", { token: retrier, body: hookBody, headers: hookHeaders });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  const hookAgain = await call(w, "POST", "/v1/organizations/sealed/webhooks", { token: retrier, body: hookBody, headers: hookHeaders });
  assert.equal(hookAgain.body.data.secret, hook.body.data.secret, "the sealed answer replays the secret");
  secrets.push(hook.body.data.secret, hook.body.data.secret.slice("whsec_".length));
  const replay = await call(w, "POST", AOSP("sealed"), {
    token: retrier,
    body: { perpetual: true },
    headers: { "idempotency-key": "sealed-retry-1" },
  });
  assert.equal(replay.body.data.config.oneTimeToken, again.body.data.config.oneTimeToken, "the sealed answer replays");

  // The live tokens still show their values to a caller who may reveal them.
  const shown = await root.get(`${AOSP("sealed")}/${perpetual.id}`);
  assert.equal(shown.config.oneTimeToken, perpetual.config.oneTimeToken);
  assert.equal((await root.get(`${WIN("sealed")}/${spare.id}`)).enrollCode, spare.enrollCode);

  const files = await d1Files(w.persistDir);
  assert.ok(files.some((f) => f.endsWith(".sqlite")), `no D1 database under ${w.persistDir}: ${files}`);
  let bytes = 0;
  for (const file of files) {
    const data = await readFile(file);
    bytes += data.length;
    for (const s of secrets) {
      assert.equal(data.indexOf(Buffer.from(s)), -1, `${s} is in ${file}`);
    }
  }
  assert.ok(bytes > 10_000);
  // The keys themselves are secrets of the worker, never in D1 either.
  for (const file of files) {
    const data = await readFile(file);
    for (const k of [w.credentialKeys.CREDENTIAL_LOOKUP_KEY, w.credentialKeys.CREDENTIAL_SEAL_KEYS.slice(3)]) {
      assert.equal(data.indexOf(Buffer.from(k)), -1);
    }
  }
});

test("credential fields show only with the reveal permissions, and always in the create's answer", async () => {
  const reader = client(w, w.token({ orgs: ["sealed"], perms: ["mdm.aosp.enrollmentToken.*", "mdm.windows.enrollmentToken.*"] }));
  const blind = w.token({
    orgs: ["sealed"],
    perms: ["mdm.aosp.enrollmentToken.create", "mdm.aosp.enrollmentToken.list", "mdm.aosp.enrollmentToken.get",
      "mdm.windows.enrollmentToken.create", "mdm.windows.enrollmentToken.list", "mdm.windows.enrollmentToken.get",
      "mdm.windows.enrollmentToken.update"],
  });
  const noReveal = client(w, blind);
  const made = await noReveal.token("sealed", { perpetual: true });
  assert.ok(made.config.oneTimeToken, "the create shows the value");
  const got = await noReveal.get(`${AOSP("sealed")}/${made.id}`);
  assert.equal(got.config, undefined);
  assert.equal(got.id, made.id);
  const page = await noReveal.get(`${AOSP("sealed")}?limit=100`);
  assert.ok(page.items.length > 1 && page.items.every((t) => t.config === undefined));
  const revealed = await reader.get(`${AOSP("sealed")}/${made.id}`);
  assert.equal(revealed.config.oneTimeToken, made.config.oneTimeToken);
  assert.deepEqual(revealed.config.qrCode, made.config.qrCode);
  const listed = (await reader.get(`${AOSP("sealed")}?limit=100`)).items.find((t) => t.id === made.id);
  assert.equal(listed.config.oneTimeToken, made.config.oneTimeToken);

  const win = await noReveal.post(WIN("sealed"), {});
  assert.ok(win.enrollCode && win.enrollmentLink);
  for (const t of [await noReveal.get(`${WIN("sealed")}/${win.id}`), await noReveal.put(`${WIN("sealed")}/${win.id}`, { displayName: "x" })]) {
    assert.equal(t.enrollCode, undefined);
    assert.equal(t.enrollmentLink, undefined);
  }
  assert.ok((await noReveal.get(`${WIN("sealed")}?limit=100`)).items.every((t) => t.enrollCode === undefined));
  const winShown = await reader.get(`${WIN("sealed")}/${win.id}`);
  assert.equal(winShown.enrollCode, win.enrollCode);
  assert.equal(winShown.enrollmentLink, win.enrollmentLink);

  // An API key without the reveal permission sees no value either.
  const viewerKey = await root.post("/v1/organizations/sealed/api-keys", { name: "v", permissions: ["mdm.aosp.enrollmentToken.get"] });
  const asKey = await call(w, "GET", `${AOSP("sealed")}/${made.id}`, { token: viewerKey.key });
  assert.equal(asKey.status, 200);
  assert.equal(asKey.body.data.config, undefined);
  const doc = (await call(w, "GET", "/openapi.json")).body;
  const op = doc.paths["/v1/organizations/{organizationId}/mdm/aosp/enterprise/enrollment-tokens/{aosEnrollmentTokenId}"].get;
  assert.equal(op["x-reveal-permission"], "mdm.aosp.enrollmentToken.reveal");
});

test("tokens stored before sealing still enroll and show, and get sealed by use or by the cron", async () => {
  const org = orgs.sealed;
  const now = Date.now();
  const ids = ["5e0000000000000000000001", "5e0000000000000000000002", "5e0000000000000000000003", "5e0000000000000000000004"];
  await w.sql(`
    INSERT INTO aosp_enrollment_tokens (id, organization_id, aos_enterprise_id, value_key, perpetual, expires_at, created_at, updated_at) VALUES
      ('${ids[0]}', '${org.id}', '${org.aosEnterpriseId}', 'legacy-aosp-value-0001', 1, NULL, ${now}, ${now}),
      ('${ids[1]}', '${org.id}', '${org.aosEnterpriseId}', 'legacy-aosp-value-0002', 1, NULL, ${now}, ${now});
    INSERT INTO google_enrollment_tokens (id, organization_id, enterprise_id, value_key, one_time_only, duration_seconds, expires_at, policy_name, extra, created_at, updated_at) VALUES
      ('${ids[2]}', '${org.id}', '${org.enterpriseId}', 'legacy-google-value-0003', 0, 3600, ${now + 3_600_000}, 'enterprises/${org.enterpriseId}/policies/default', '{}', ${now}, ${now});
    INSERT INTO win_enrollment_tokens (id, organization_id, win_enterprise_id, enroll_code_key, enrollment_link, expires_at, created_at, updated_at) VALUES
      ('${ids[3]}', '${org.id}', '${org.winEnterpriseId}', 'LEGAC-YCODE-00000-00000-00000-4', 'ms-device-enrollment:?mode=mdm&accesstoken=LEGAC-YCODE-00000-00000-00000-4', ${now + 3_600_000}, ${now}, ${now});
  `);
  // Shown as stored (the plaintext is what the lookup column holds).
  assert.equal((await root.get(`${AOSP("sealed")}/${ids[0]}`)).config.oneTimeToken, "legacy-aosp-value-0001");
  assert.equal((await root.get(`${WIN("sealed")}/${ids[3]}`)).enrollCode, "LEGAC-YCODE-00000-00000-00000-4");
  // The first enrollment seals the row, then claims it by its lookup key.
  const r = await enroll(w, "legacy-aosp-value-0001", "LEGACY-1");
  assert.equal(r.status, 201, JSON.stringify(r.body));
  let [row] = await w.sql(`SELECT value_key, sealed FROM aosp_enrollment_tokens WHERE id = '${ids[0]}'`);
  assert.match(row.value_key, /^[0-9a-f]{64}$/);
  assert.match(row.sealed, /^k1\.[A-Za-z0-9_-]+$/);
  assert.equal((await enroll(w, "legacy-aosp-value-0001", "LEGACY-2")).status, 201, "a perpetual token goes on enrolling");
  assert.equal((await root.get(`${AOSP("sealed")}/${ids[0]}`)).config.oneTimeToken, "legacy-aosp-value-0001");
  // The cron seals the others.
  const res = await w.fetch("/__scheduled?cron=*/5+*+*+*+*");
  assert.equal(res.status, 200, await res.text());
  const left = await w.sql(`
    SELECT id FROM aosp_enrollment_tokens WHERE sealed IS NULL UNION ALL
    SELECT id FROM google_enrollment_tokens WHERE sealed IS NULL UNION ALL
    SELECT id FROM win_enrollment_tokens WHERE sealed IS NULL OR enrollment_link IS NOT NULL`);
  assert.deepEqual(left, []);
  [row] = await w.sql(`SELECT enroll_code_key FROM win_enrollment_tokens WHERE id = '${ids[3]}'`);
  assert.notEqual(row.enroll_code_key, "LEGAC-YCODE-00000-00000-00000-4");
  // Sealed by the cron, each still works and shows the same values.
  assert.equal((await enroll(w, "legacy-aosp-value-0002", "LEGACY-3")).status, 201);
  assert.equal((await enroll(w, "legacy-google-value-0003", "LEGACY-4")).status, 201);
  const shown = await root.get(`${WIN("sealed")}/${ids[3]}`);
  assert.equal(shown.enrollCode, "LEGAC-YCODE-00000-00000-00000-4");
  assert.equal(shown.enrollmentLink, "ms-device-enrollment:?mode=mdm&accesstoken=LEGAC-YCODE-00000-00000-00000-4");
  const g = (await call(w, "GET", `${GOOGLE("sealed")}/${ids[2]}`, { token: w.token() })).body;
  assert.equal(g.value, "legacy-google-value-0003");
});

test("one quota over AOSP and Google credentials on free: 30 concurrent creates give exactly 25", async () => {
  const token = w.token();
  const creates = Array.from({ length: 30 }, (_, i) =>
    i % 2
      ? call(w, "POST", AOSP("quota-free"), { token, body: { perpetual: true } })
      : call(w, "POST", GOOGLE("quota-free"), { token, body: {} }),
  );
  const results = await Promise.all(creates);
  const made = results.filter((r) => r.status === 201 || r.status === 200);
  assert.equal(made.length, 25, JSON.stringify(results.map((r) => r.status)));
  for (const r of results.filter((r) => r.status !== 201 && r.status !== 200)) {
    if (r.body.error?.status) {
      assert.equal(r.status, 429, JSON.stringify(r.body));
      assert.equal(r.body.error.status, "RESOURCE_EXHAUSTED");
    } else {
      assertError(r, 400, 5017);
    }
  }
  // Deleting one frees its place.
  const one = results.find((r) => r.status === 201).body.data;
  await root.del(`${AOSP("quota-free")}/${one.id}`);
  assert.equal((await call(w, "GET", `${GOOGLE("quota-free")}`, { token })).status, 200);
  assert.equal((await call(w, "POST", GOOGLE("quota-free"), { token, body: {} })).status, 200);
  assertError(await call(w, "POST", AOSP("quota-free"), { token, body: {} }), 400, 5017);
});

test("devices: a free organization enrolls exactly 100 of 120 devices sent 20 at a time; a deleted one frees its place", async () => {
  const t = await root.token("quota-dev", { perpetual: true });
  const results = [];
  // 20 at a time: under the load of the parallel suites, bursts of 40 POSTs
  // sometimes make wrangler dev's proxy lose its connection to workerd (503
  // "Your worker restarted mid-request"), which is not the worker's answer.
  for (let i = 0; i < 120; i += 20) {
    results.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => enroll(w, t.config.oneTimeToken, `Q-${i + j}`)))));
  }
  const won = results.filter((r) => r.status === 201);
  assert.equal(won.length, 100, JSON.stringify(results.map((r) => r.status)));
  for (const r of results.filter((r) => r.status !== 201)) assertError(r, 400, 5017);
  assertError(await enroll(w, t.config.oneTimeToken, "Q-late"), 400, 5017);
  await root.del(`/v1/organizations/quota-dev/mdm/aosp/enterprise/devices/${won[0].body.data.aosDeviceId}`);
  assert.equal((await enroll(w, t.config.oneTimeToken, "Q-after-delete")).status, 201);
  assertError(await enroll(w, t.config.oneTimeToken, "Q-full-again"), 400, 5017);
});

test("pro: Windows tokens (5 concurrent creates) and Windows devices count toward the same quota", async () => {
  const org = orgs.pro;
  const now = Date.now();
  // 997 live AOSP tokens and 9,999 devices already stored (by SQL: the API
  // would take minutes), then the API's own creates and enrollments.
  await w.sql(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 997)
    INSERT INTO aosp_enrollment_tokens (id, organization_id, aos_enterprise_id, value_key, sealed, perpetual, created_at, updated_at)
      SELECT printf('7a%022x', i), '${org.id}', '${org.aosEnterpriseId}', printf('k%d', i), 'k1.x', 1, ${now}, ${now} FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
    INSERT INTO aosp_devices (id, organization_id, aos_enterprise_id, secret_hash, state, enrolled_date, created_at, updated_at)
      SELECT printf('7b%022x', i), '${org.id}', '${org.aosEnterpriseId}', 'h', 'ACTIVE', ${now}, ${now}, ${now} FROM n;
  `);
  const creates = await Promise.all(Array.from({ length: 5 }, () => root.call("POST", WIN("quota-pro"), { body: {} })));
  const made = creates.filter((r) => r.status === 201);
  assert.equal(made.length, 3, JSON.stringify(creates.map((r) => r.status)));
  for (const r of creates.filter((r) => r.status !== 201)) assertError(r, 400, 5017);
  assertError(await root.call("POST", AOSP("quota-pro"), { body: {} }), 400, 5017);
  const win = made[0].body.data;
  const first = await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: win.enrollCode, device: winDevice(2) } });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  // The used token no longer counts; the Windows device was the 10,000th.
  const another = await root.post(WIN("quota-pro"), {});
  assertError(
    await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: another.enrollCode, device: winDevice(3) } }),
    400,
    5017,
  );
  // A DELETED device does not count.
  await root.del(`/v1/organizations/quota-pro/mdm/windows/enterprise/devices/${first.body.data.id}`);
  assert.equal(
    (await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: another.enrollCode, device: winDevice(4) } })).status,
    201,
  );
});
