// Windows enrollment tokens, Windows policies and POST /v1/enroll/windows over
// real HTTP: create/list/get/update/delete, expiry on read, the plan gate
// (5050 on every Windows route for a `free` organization), tenancy (404), and
// the atomic use of an enrollCode under concurrent attempts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startWorker, call, ROOT } from "./lib/server.mjs";

const DEMO = "de0000000000000000000001";
const DEMO_USER = "de0000000000000000000011";
const DEMO_WIN_POLICY = "de0000000000000000000031";
const OTHER = "ab0000000000000000000001";
const OTHER_POLICY = "ab0000000000000000000031";
const FREE = "fe0000000000000000000001";
const BASE = "/v1/organizations/demo/mdm/windows/enterprise";
const MISSING = "0123456789abcdef01234567";

let w;
let admin;
before(async () => {
  w = await startWorker({ seedFile: join(ROOT, "scripts", "seed-demo.sql") });
  // A second organization (tenancy) and one on the free plan (plan gate).
  await w.sql(`
    INSERT INTO organizations (id, slug, name, plan, aos_enterprise_id, win_enterprise_id, enterprise_id, created_at, updated_at)
    VALUES ('${OTHER}', 'other', 'Other', 'pro', 'ab00000000000000000000a1', 'ab00000000000000000000b1', 'ab00000000000000000000c1', 1, 1),
           ('${FREE}', 'freebie', 'Free', 'free', 'fe00000000000000000000a1', 'fe00000000000000000000b1', 'fe00000000000000000000c1', 1, 1);
    INSERT INTO win_policies (id, organization_id, name, created_at, updated_at)
    VALUES ('${OTHER_POLICY}', '${OTHER}', 'Other policy', 1, 1);`);
  admin = w.token({ perms: ["*"], orgs: ["*"] });
});
after(async () => {
  await w?.stop();
});

const post = (path, body, token = admin) => call(w, "POST", path, { token, body });
const get = (path, token = admin) => call(w, "GET", path, { token });

function assertError(r, status, code) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.status, false);
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
}

test("create: defaults, deep link, enroll code, expanded policies", async () => {
  const before = Date.now();
  const r = await post(`${BASE}/enrollment-tokens`, {
    displayName: "Front desk PC",
    mdmUserId: DEMO_USER,
    winPolicyAssignments: [{ winPolicyId: DEMO_WIN_POLICY, priority: 5 }],
    tags: ["hq"],
    segmentId: 1,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const t = r.body.data;
  assert.match(t.id, /^[0-9a-f]{24}$/);
  assert.equal(t.organizationId, DEMO);
  assert.equal(t.winEnterpriseId, "de00000000000000000000b1");
  assert.equal(t.state, "PENDING");
  assert.deepEqual(t.mdmUser, { id: DEMO_USER, email: "demo.user@example.com" });
  assert.deepEqual(t.tags, ["hq"]);
  assert.equal(t.sendEmail, false);
  // Default duration: one day.
  const expires = Date.parse(t.expireAt);
  assert.ok(Math.abs(expires - (before + 86_400_000)) < 60_000, t.expireAt);
  assert.equal(t.summary.expirationTimestamp, t.expireAt);
  assert.match(t.enrollCode, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}-[0-9A-Z]$/);
  const link = new URL(t.enrollmentLink);
  assert.equal(link.protocol, "ms-device-enrollment:");
  const q = new URLSearchParams(t.enrollmentLink.split("?")[1]);
  assert.equal(q.get("mode"), "mdm");
  assert.equal(q.get("username"), "demo.user@example.com");
  assert.equal(q.get("servername"), `${w.url}/EnrollmentServer/Discovery.svc`);
  assert.equal(q.get("accesstoken"), t.enrollCode);
  assert.equal(t.winPolicyAssignments[0].winPolicyId, DEMO_WIN_POLICY);
  assert.equal(t.winPolicyAssignments[0].winPolicy.name, "Demo Windows policy");
  assert.equal(t.winPolicyAssignments[0].priority, 5);
});

test("create: validation and references are 5209 with every violation", async () => {
  let r = await post(`${BASE}/enrollment-tokens`, { displayName: "x".repeat(129), duration: 10, sendEmail: true });
  assertError(r, 400, 5209);
  const paths = r.body.error.details.map((d) => `${d.path}:${d.code}`).sort();
  assert.deepEqual(paths, ["displayName:maxLength", "duration:min", "mdmUserId:dependency"]);
  r = await post(`${BASE}/enrollment-tokens`, { winPolicyId: OTHER_POLICY, mdmUserId: MISSING, segmentId: 999 });
  assertError(r, 400, 5209);
  assert.deepEqual(
    r.body.error.details.map((d) => `${d.path}:${d.code}`).sort(),
    ["mdmUserId:reference", "segmentId:reference", "winPolicyId:reference"],
  );
});

test("get, PUT update (expanded winPolicy, seed 004), delete, then 404", async () => {
  const { body } = await post(`${BASE}/enrollment-tokens`, { displayName: "A" });
  const id = body.data.id;
  let r = await get(`${BASE}/enrollment-tokens/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.data.displayName, "A");
  assert.equal(r.body.data.mdmUser, undefined);
  assert.equal(new URLSearchParams(r.body.data.enrollmentLink.split("?")[1]).get("username"), "enroll@mdm-edge.local");

  r = await call(w, "PUT", `${BASE}/enrollment-tokens/${id}`, {
    token: admin,
    body: {
      displayName: "B",
      winPolicyId: DEMO_WIN_POLICY,
      winPolicyAssignments: [{ winPolicyId: DEMO_WIN_POLICY.toUpperCase(), priority: 10000 }, { priority: 0 }],
      tags: ["x", "y"],
    },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const t = r.body.data;
  assert.equal(t.displayName, "B");
  assert.equal(t.winPolicyId, DEMO_WIN_POLICY);
  assert.deepEqual(t.tags, ["x", "y"]);
  assert.equal(t.winPolicyAssignments.length, 2);
  assert.equal(t.winPolicyAssignments[0].winPolicy.id, DEMO_WIN_POLICY);
  assert.equal(t.winPolicyAssignments[0].winPolicy.organizationId, DEMO);
  assert.deepEqual(t.winPolicyAssignments[0].winPolicy.applications, []);
  assert.equal(t.winPolicyAssignments[1].winPolicy, undefined);

  r = await call(w, "PUT", `${BASE}/enrollment-tokens/${id}`, {
    token: admin,
    body: { winPolicyAssignments: [{ winPolicyId: OTHER_POLICY, priority: 1 }, { priority: 10001 }] },
  });
  assertError(r, 400, 5209);
  assert.deepEqual(
    r.body.error.details.map((d) => `${d.path}:${d.code}`),
    ["winPolicyAssignments[1].priority:max"],
  );
  r = await call(w, "PUT", `${BASE}/enrollment-tokens/${id}`, {
    token: admin,
    body: { winPolicyAssignments: [{ winPolicyId: OTHER_POLICY, priority: 1 }] },
  });
  assertError(r, 400, 5209);
  assert.equal(r.body.error.details[0].code, "reference");

  r = await call(w, "DELETE", `${BASE}/enrollment-tokens/${id}`, { token: admin });
  assert.equal(r.status, 200);
  assert.equal(r.body.data.state, "DELETED");
  assert.equal(r.body.data.enrollCode, undefined);
  assertError(await get(`${BASE}/enrollment-tokens/${id}`), 404, 3001);
  assertError(await call(w, "DELETE", `${BASE}/enrollment-tokens/${id}`, { token: admin }), 404, 3001);
  assertError(await call(w, "PUT", `${BASE}/enrollment-tokens/${id}`, { token: admin, body: {} }), 404, 3001);
  assertError(await get(`${BASE}/enrollment-tokens/${MISSING}`), 404, 3001);
  assertError(await get(`${BASE}/enrollment-tokens/not-an-id`), 400, 5209);
});

test("list: pagination envelope, filters, status, expiry seen on read", async () => {
  const mk = (body) => post(`${BASE}/enrollment-tokens`, body).then((r) => r.body.data);
  const a = await mk({ displayName: "list-a", mdmUserId: DEMO_USER });
  const b = await mk({ displayName: "list-b", winPolicyId: DEMO_WIN_POLICY, duration: 60 });
  // Make b overdue without waiting: its expiry moves into the past.
  await w.sql(`UPDATE win_enrollment_tokens SET expires_at = 1000 WHERE id = '${b.id}'`);
  let r = await get(`${BASE}/enrollment-tokens/${b.id}`);
  assert.equal(r.body.data.state, "EXPIRED");
  assert.equal(r.body.data.enrollCode, undefined);

  r = await get(`${BASE}/enrollment-tokens?mdmUserId=${DEMO_USER}&limit=100`);
  assert.equal(r.status, 200);
  assert.ok(r.body.data.items.some((t) => t.id === a.id));
  assert.ok(r.body.data.items.every((t) => t.mdmUser?.id === DEMO_USER));
  r = await get(`${BASE}/enrollment-tokens?winPolicyId=${DEMO_WIN_POLICY}&status=EXPIRED`);
  assert.deepEqual(r.body.data.items.map((t) => t.id), [b.id]);
  r = await get(`${BASE}/enrollment-tokens?status=PENDING&limit=100`);
  assert.ok(!r.body.data.items.some((t) => t.id === b.id));
  // Shown EXPIRED by every read above, written by none (the cron sweep does).
  assert.deepEqual(await w.sql(`SELECT state FROM win_enrollment_tokens WHERE id = '${b.id}'`), [{ state: "PENDING" }]);

  r = await get(`${BASE}/enrollment-tokens?limit=1&page=2&sort=displayName:asc`);
  const page = r.body.data;
  assert.equal(page.limit, 1);
  assert.equal(page.page, 2);
  assert.equal(page.prevPage, 1);
  assert.equal(page.hasPrevPage, true);
  assert.equal(page.items.length, 1);
  assert.equal(page.totalPages, page.totalDocs);
  r = await get(`${BASE}/enrollment-tokens?limit=0`);
  assert.deepEqual(r.body.data.items, []);
  assert.ok(r.body.data.totalDocs >= 2);

  r = await get(`${BASE}/enrollment-tokens?sort=secret&status=NOPE&limit=101`);
  assertError(r, 400, 5209);
  assert.deepEqual(r.body.error.details.map((d) => d.path).sort(), ["limit", "sort", "status"]);
});

test("Windows policies: create and list", async () => {
  let r = await post(`${BASE}/policies`, {
    name: "Kiosk",
    applications: [{ winApplicationId: DEMO_WIN_POLICY, action: "forceInstall" }],
    agentConfiguration: { enabled: true },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.data.name, "Kiosk");
  assert.equal(r.body.data.version, 1);
  assert.equal(r.body.data.applications[0].action, "forceInstall");
  assert.deepEqual(r.body.data.agentConfiguration, { enabled: true });
  r = await get(`${BASE}/policies?sort=name:asc&limit=100`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.data.items.map((p) => p.name), ["Demo Windows policy", "Kiosk"]);
  assertError(await post(`${BASE}/policies`, { name: "" }), 400, 5209);
});

test("plan gate: 5050 on every Windows route for a free organization, after auth", async () => {
  const free = "/v1/organizations/freebie/mdm/windows/enterprise";
  const routes = [
    ["GET", `${free}/enrollment-tokens`],
    ["POST", `${free}/enrollment-tokens`, { displayName: "x".repeat(500) }],
    ["GET", `${free}/enrollment-tokens/${MISSING}`],
    ["GET", `${free}/enrollment-tokens/not-an-id`],
    ["PUT", `${free}/enrollment-tokens/${MISSING}`, { bogus: 1 }],
    ["DELETE", `${free}/enrollment-tokens/${MISSING}`],
    ["GET", `${free}/policies`],
    ["POST", `${free}/policies`, {}],
  ];
  for (const [method, path, body] of routes) {
    const r = await call(w, method, path, { token: admin, body });
    assertError(r, 400, 5050);
    assert.equal(r.body.error.message, "Feature not allowed for you billing plan");
    // Authentication and permission come first.
    assertError(await call(w, method, path, { body }), 401, 4002);
    assertError(await call(w, method, path, { body, token: w.token({ perms: ["mdm.aosp.*"] }) }), 403, 4005);
  }
});

test("tenancy: another organization's ids and hidden organizations are 404", async () => {
  const { body } = await post(`${BASE}/enrollment-tokens`, {});
  const id = body.data.id;
  const other = `/v1/organizations/other/mdm/windows/enterprise/enrollment-tokens/${id}`;
  assertError(await get(other), 404, 3001);
  assertError(await call(w, "DELETE", other, { token: admin }), 404, 3001);
  assertError(await call(w, "PUT", other, { token: admin, body: {} }), 404, 3001);
  // A token limited to `other` cannot see demo at all.
  const limited = w.token({ perms: ["mdm.windows.*"], orgs: ["other"] });
  assertError(await get(`${BASE}/enrollment-tokens/${id}`, limited), 404, 3001);
  assertError(await get(`${BASE}/enrollment-tokens`, limited), 404, 3001);
  // Demo's token is still there.
  assert.equal((await get(`${BASE}/enrollment-tokens/${id}`)).status, 200);
  // Permissions are per action.
  const reader = w.token({ perms: ["mdm.windows.enrollmentToken.get"], orgs: ["demo"] });
  assert.equal((await get(`${BASE}/enrollment-tokens/${id}`, reader)).status, 200);
  assertError(await call(w, "DELETE", `${BASE}/enrollment-tokens/${id}`, { token: reader }), 403, 4005);
});

test("enroll: the typed code is normalised and consumed once, also under concurrency", async () => {
  const { body } = await post(`${BASE}/enrollment-tokens`, { displayName: "race", mdmUserId: DEMO_USER });
  const token = body.data;
  // What a person types: lower case, no hyphens, O for 0 / l for 1.
  const typed = token.enrollCode.replace(/-/g, "").toLowerCase().replace(/0/g, "o").replace(/1/g, "l");
  const device = (n) => ({ serialNumber: `SN-${n}`, model: "Surface", manufacturer: "Microsoft" });
  const attempts = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: i % 2 ? typed : token.enrollCode, device: device(i) } }),
    ),
  );
  const won = attempts.filter((r) => r.status === 201);
  assert.equal(won.length, 1, JSON.stringify(attempts.map((r) => r.status)));
  for (const r of attempts.filter((r) => r.status !== 201)) assertError(r, 409, 5010);
  const d = won[0].body.data;
  assert.match(d.id, /^[0-9a-f]{24}$/);
  assert.equal(d.state, "PROVISIONING");
  assert.equal(d.organizationId, DEMO);
  assert.equal(d.winEnrollmentTokenId, token.id);
  assert.ok(d.deviceSecret.length >= 22);

  const devices = await w.sql(`SELECT id, mdm_user_id, state FROM win_devices WHERE enrollment_token_id = '${token.id}'`);
  assert.deepEqual(devices, [{ id: d.id, mdm_user_id: DEMO_USER, state: "PROVISIONING" }]);
  const r = await get(`${BASE}/enrollment-tokens/${token.id}`);
  assert.equal(r.body.data.state, "DONE");
  assert.equal(r.body.data.winDeviceId, d.id);
  assert.equal(r.body.data.enrollCode, undefined);
});

test("enroll: deleted, expired, unknown and malformed codes enroll nothing", async () => {
  const dev = { serialNumber: "SN-x" };
  const mk = async () => (await post(`${BASE}/enrollment-tokens`, {})).body.data;
  const deleted = await mk();
  await call(w, "DELETE", `${BASE}/enrollment-tokens/${deleted.id}`, { token: admin });
  const expired = await mk();
  await w.sql(`UPDATE win_enrollment_tokens SET expires_at = 1000 WHERE id = '${expired.id}'`);
  for (const enrollCode of [deleted.enrollCode, "00000-00000-00000-00000-00000-0", "not a code!"]) {
    assertError(await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode, device: dev } }), 404, 3001);
  }
  // Known but past its expiry: the lifecycle forbids it (a device learns to ask for a new code).
  const late = await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: expired.enrollCode, device: dev } });
  assertError(late, 409, 5010);
  const r = await call(w, "POST", "/v1/enroll/windows", { body: { device: {} } });
  assertError(r, 400, 5209);
  assert.deepEqual(r.body.error.details.map((d) => d.path).sort(), ["device.serialNumber", "enrollCode"]);
  const n = await w.sql(`SELECT count(*) AS n FROM win_devices WHERE serial_number = 'SN-x'`);
  assert.equal(n[0].n, 0);
});
