// The audit log over HTTP. Driven by /openapi.json: every operation the
// document marks with `x-audit-action` (the table's rows that change
// something) is called once with a valid request, and must leave exactly one
// new event with that action, the right actor and the right target. An
// operation without a recipe below fails the test (a new route must be added
// here), and a recipe whose operation is gone fails too.
//
// Also: the four actor kinds (API key, OpenID Connect user, HS256 service,
// device), the list's filters and its query validation, changes that fail
// (no event), a scan of every event of the run for the credentials the run
// created, and retention through the cron (GET /__scheduled).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { generateKeyPairSync, sign as cryptoSign } from "node:crypto";
import { startWorker, call } from "./lib/server.mjs";
import { client, enroll, assertError, violations, SIGNATURE } from "./lib/fixtures.mjs";

const ORG = "audit";
const SERVICE = "audit-service";
const ISSUER = "https://idp.audit.test";
const AUDIENCE = "mdm-edge-audit";
const IP = "198.51.100.23";
const AOSP = `/v1/organizations/${ORG}/mdm/aosp/enterprise`;
const WIN = `/v1/organizations/${ORG}/mdm/windows/enterprise`;
const EVENTS = (org = ORG) => `/v1/organizations/${org}/audit-events`;

// The test is the identity provider of the `user` actor (as in oidc.test.mjs).
const rsa = (() => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...pair, jwk: { ...pair.publicKey.export({ format: "jwk" }), kid: "audit-rsa", use: "sig", alg: "RS256" } };
})();
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
function personToken(email, sub) {
  const now = Math.floor(Date.now() / 1000);
  const h = b64({ alg: "RS256", typ: "JWT", kid: "audit-rsa" });
  const p = b64({ iss: ISSUER, aud: AUDIENCE, sub, email, iat: now, exp: now + 600 });
  return `${h}.${p}.${cryptoSign("sha256", Buffer.from(`${h}.${p}`), rsa.privateKey).toString("base64url")}`;
}

let w;
let idp;
let api; // the HS256 service
let doc;
let orgId;
let enterpriseId;
/** Every credential the run was handed: none may appear in any event. */
const credentials = new Set();
const keep = (...values) => values.filter((v) => typeof v === "string" && v.length > 0).forEach((v) => credentials.add(v));

before(async () => {
  idp = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [rsa.jwk] }));
  });
  await new Promise((r) => idp.listen(0, "127.0.0.1", r));
  w = await startWorker({
    vars: { AUTH_JWKS_URL: `http://127.0.0.1:${idp.address().port}/jwks`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE },
  });
  const token = w.token({ sub: SERVICE });
  keep(token, w.secret);
  api = client(w, token);
  const org = await api.org(ORG);
  orgId = org.id;
  enterpriseId = org.enterpriseId;
  doc = (await call(w, "GET", "/openapi.json")).body;
});
after(async () => {
  await w?.stop();
  idp?.close();
});

// ---- helpers ---------------------------------------------------------------------

/** Every event of `org`, newest first (at most 100). */
async function events(org = ORG, query = "") {
  return (await api.get(`${EVENTS(org)}?limit=100${query}`)).items;
}
async function count(org = ORG) {
  return (await api.get(`${EVENTS(org)}?limit=0`)).totalDocs;
}

async function aospToken(body = {}) {
  const t = await api.post(`${AOSP}/enrollment-tokens`, body);
  keep(t.config?.oneTimeToken, t.config?.qrCode);
  return t;
}
/** A fresh enrolled AOSP device: `{id, secret}`. */
async function aospDevice() {
  const t = await aospToken();
  const r = await enroll(w, t.config.oneTimeToken, `SN-${Math.random().toString(16).slice(2)}`);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  keep(r.body.data.deviceSecret);
  return { id: r.body.data.aosDeviceId, secret: r.body.data.deviceSecret };
}
async function winToken(body = {}) {
  const t = await api.post(`${WIN}/enrollment-tokens`, body);
  keep(t.enrollCode, t.enrollmentLink);
  return t;
}
async function winDevice() {
  const t = await winToken();
  const r = await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: t.enrollCode, device: { serialNumber: "PC-1" } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  keep(r.body.data.deviceSecret);
  return { id: r.body.data.id };
}
async function googleToken() {
  const r = await call(w, "POST", `/v1/enterprises/${enterpriseId}/enrollmentTokens`, { token: w.token({ sub: SERVICE }), body: {} });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  keep(r.body.value, r.body.qrCode);
  return { ...r.body, id: r.body.name.split("/").pop() };
}
let serial = 0;
const unique = (prefix) => `${prefix}-${++serial}`;

const dataId = (r) => r.body.data.id;
const service = { type: "service", id: SERVICE };

// ---- the recipes: one valid call per operation that changes something ---------------
//
// prepare() makes what the call needs (its own events happen before the
// count); it returns { path, body?, headers?, status, target: (response) =>
// {type, id}, actor?: (response) => actor, org?: (response) => organization
// whose log holds the event, credentials?: (response) => [values] }.

const RECIPES = {
  OrganizationsCreate: async () => ({
    path: "/v1/organizations",
    body: { name: "Audited", slug: unique("audited"), plan: "pro" },
    status: 201,
    target: (r) => ({ type: "organization", id: dataId(r) }),
    org: (r) => r.body.data.slug,
  }),
  OrganizationUpdate: async () => ({
    path: `/v1/organizations/${ORG}`,
    body: { name: "Audit, renamed" },
    status: 200,
    target: () => ({ type: "organization", id: orgId }),
  }),
  SegmentsCreate: async () => ({
    path: `/v1/organizations/${ORG}/segments`,
    body: { name: unique("seg") },
    status: 201,
    target: (r) => ({ type: "segment", id: String(dataId(r)) }),
  }),
  MdmUsersCreate: async () => ({
    path: `/v1/organizations/${ORG}/mdm-users`,
    body: { email: `${unique("user")}@example.com` },
    status: 201,
    target: (r) => ({ type: "mdmUser", id: dataId(r) }),
  }),
  MembersCreate: async () => ({
    path: `/v1/organizations/${ORG}/members`,
    body: { email: `${unique("m")}@example.com`, role: "viewer" },
    status: 201,
    target: (r) => ({ type: "member", id: dataId(r) }),
  }),
  MemberUpdate: async () => {
    const m = await api.post(`/v1/organizations/${ORG}/members`, { email: `${unique("m")}@example.com`, role: "viewer" });
    return {
      path: `/v1/organizations/${ORG}/members/${m.id}`,
      body: { role: "operator" },
      status: 200,
      target: () => ({ type: "member", id: m.id }),
    };
  },
  MemberRemove: async () => {
    const m = await api.post(`/v1/organizations/${ORG}/members`, { email: `${unique("m")}@example.com`, role: "viewer" });
    return { path: `/v1/organizations/${ORG}/members/${m.id}`, status: 200, target: () => ({ type: "member", id: m.id }) };
  },
  ApiKeysCreate: async () => ({
    path: `/v1/organizations/${ORG}/api-keys`,
    body: { name: unique("key"), permissions: ["mdm.aosp.enrollmentToken.list"] },
    status: 201,
    target: (r) => ({ type: "apiKey", id: dataId(r) }),
    credentials: (r) => [r.body.data.key],
  }),
  ApiKeyRemove: async () => {
    const k = await api.post(`/v1/organizations/${ORG}/api-keys`, { name: unique("key"), permissions: ["mdm.aosp.*"] });
    keep(k.key);
    return { path: `/v1/organizations/${ORG}/api-keys/${k.id}`, status: 200, target: () => ({ type: "apiKey", id: k.id }) };
  },
  // Webhooks (tests/e2e/webhooks.test.mjs has the rest); port 9 on loopback refuses, so nothing is delivered.
  WebhooksCreate: async () => ({
    path: `/v1/organizations/${ORG}/webhooks`,
    body: { url: "http://127.0.0.1:9/audit", events: ["device.enrolled"] },
    status: 201,
    target: (r) => ({ type: "webhook", id: dataId(r) }),
    credentials: (r) => [r.body.data.secret],
  }),
  ...Object.fromEntries(
    [
      ["WebhookUpdate", "", { enabled: false }, (id) => ({ type: "webhook", id })],
      ["WebhookRemove", "", undefined, (id) => ({ type: "webhook", id })],
      ["WebhookTest", "/test", undefined, (id) => ({ type: "webhook", id })],
    ].map(([name, suffix, body, target]) => [
      name,
      async () => {
        const hook = await api.post(`/v1/organizations/${ORG}/webhooks`, { url: "http://127.0.0.1:9/audit", events: ["device.enrolled"] });
        keep(hook.secret);
        return { path: `/v1/organizations/${ORG}/webhooks/${hook.id}${suffix}`, body, status: 200, target: () => target(hook.id) };
      },
    ]),
  ),
  // The supporting resources' updates and deletes (tests/e2e/resources.test.mjs has the rest).
  ...Object.fromEntries(
    [
      ["Segment", "segment", `/v1/organizations/${ORG}/segments`, () => ({ name: unique("seg") }), { name: "renamed" }],
      ["MdmUser", "mdmUser", `/v1/organizations/${ORG}/mdm-users`, () => ({ email: `${unique("user")}@example.com` }), { displayName: "Renamed" }],
      ["AospPolicy", "aospPolicy", `${AOSP}/policies`, () => ({ name: unique("policy") }), { name: "renamed" }],
      ["WinPolicy", "winPolicy", `${WIN}/policies`, () => ({ name: unique("policy") }), { name: "renamed" }],
      [
        "DpcBuild",
        "dpcBuild",
        `${AOSP}/dpc-builds`,
        () => ({
          tag: unique("build"),
          downloadUrl: "https://dl.example.com/dpc.apk",
          signatureChecksum: SIGNATURE,
          componentName: "com.example.dpc/.AdminReceiver",
        }),
        { downloadUrl: "https://dl.example.com/dpc-2.apk" },
      ],
    ].flatMap(([op, type, base, create, update]) => {
      const made = async () => {
        const id = String((await api.post(base, create())).id);
        return { path: `${base}/${id}`, status: 200, target: () => ({ type, id }) };
      };
      return [
        [`${op}Update`, async () => ({ ...(await made()), body: update })],
        [`${op}Remove`, made],
      ];
    }),
  ),
  AospPoliciesCreate: async () => ({
    path: `${AOSP}/policies`,
    body: { name: unique("policy") },
    status: 201,
    target: (r) => ({ type: "aospPolicy", id: dataId(r) }),
  }),
  DpcBuildsCreate: async () => ({
    path: `${AOSP}/dpc-builds`,
    body: {
      tag: unique("build"),
      downloadUrl: "https://dl.example.com/dpc.apk",
      signatureChecksum: SIGNATURE,
      componentName: "com.example.dpc/.AdminReceiver",
    },
    status: 201,
    target: (r) => ({ type: "dpcBuild", id: dataId(r) }),
  }),
  AospTokensCreate: async () => ({
    path: `${AOSP}/enrollment-tokens`,
    body: { displayName: "audited" },
    status: 201,
    target: (r) => ({ type: "aospEnrollmentToken", id: dataId(r) }),
    credentials: (r) => [r.body.data.config.oneTimeToken, r.body.data.config.qrCode],
  }),
  AospTokenRemove: async () => {
    const t = await aospToken();
    return { path: `${AOSP}/enrollment-tokens/${t.id}`, status: 200, target: () => ({ type: "aospEnrollmentToken", id: t.id }) };
  },
  AospDeviceUpdate: async () => {
    const d = await aospDevice();
    return { path: `${AOSP}/devices/${d.id}`, body: { displayName: "renamed" }, status: 200, target: () => ({ type: "aospDevice", id: d.id }) };
  },
  AospDeviceRemove: async () => {
    const d = await aospDevice();
    return { path: `${AOSP}/devices/${d.id}`, status: 200, target: () => ({ type: "aospDevice", id: d.id }) };
  },
  AospDeviceDisable: async () => {
    const d = await aospDevice();
    return { path: `${AOSP}/devices/${d.id}/disable`, status: 200, target: () => ({ type: "aospDevice", id: d.id }) };
  },
  AospDeviceEnable: async () => {
    const d = await aospDevice();
    await api.post(`${AOSP}/devices/${d.id}/disable`, undefined, 200);
    return { path: `${AOSP}/devices/${d.id}/enable`, status: 200, target: () => ({ type: "aospDevice", id: d.id }) };
  },
  AospDeviceDisenroll: async () => {
    const d = await aospDevice();
    return { path: `${AOSP}/devices/${d.id}/disenroll`, status: 200, target: () => ({ type: "aospDevice", id: d.id }) };
  },
  EnrollAosp: async () => {
    const t = await aospToken();
    return {
      path: "/v1/enroll/aosp",
      bearer: false,
      body: { token: t.config.oneTimeToken, device: { serialNumber: "SN-ENROLL" } },
      status: 201,
      target: (r) => ({ type: "aospDevice", id: r.body.data.aosDeviceId }),
      actor: (r) => ({ type: "device", id: r.body.data.aosDeviceId }),
      credentials: (r) => [r.body.data.deviceSecret],
      details: () => ({ aospEnrollmentTokenId: t.id, serialNumber: "SN-ENROLL" }),
    };
  },
  AospStatusReport: async () => {
    const d = await aospDevice();
    return {
      path: `/v1/devices/aosp/${d.id}/status`,
      bearer: false,
      headers: { "X-Device-Secret": d.secret },
      body: { policyCompliant: true },
      status: 200,
      target: () => ({ type: "aospDevice", id: d.id }),
      actor: () => ({ type: "device", id: d.id }),
      details: () => ({ from: "PROVISIONING", to: "ACTIVE" }),
    };
  },
  WinTokensCreate: async () => ({
    path: `${WIN}/enrollment-tokens`,
    body: { displayName: "audited" },
    status: 201,
    target: (r) => ({ type: "winEnrollmentToken", id: dataId(r) }),
    credentials: (r) => [r.body.data.enrollCode, r.body.data.enrollmentLink],
  }),
  WinTokenUpdate: async () => {
    const t = await winToken();
    return {
      path: `${WIN}/enrollment-tokens/${t.id}`,
      body: { displayName: "renamed" },
      status: 200,
      target: () => ({ type: "winEnrollmentToken", id: t.id }),
    };
  },
  WinTokenRemove: async () => {
    const t = await winToken();
    return { path: `${WIN}/enrollment-tokens/${t.id}`, status: 200, target: () => ({ type: "winEnrollmentToken", id: t.id }) };
  },
  WinDeviceUpdate: async () => {
    const d = await winDevice();
    return { path: `${WIN}/devices/${d.id}`, body: { displayName: "renamed" }, status: 200, target: () => ({ type: "winDevice", id: d.id }) };
  },
  WinDeviceRemove: async () => {
    const d = await winDevice();
    return { path: `${WIN}/devices/${d.id}`, status: 200, target: () => ({ type: "winDevice", id: d.id }) };
  },
  WinDeviceDisable: async () => {
    const d = await winDevice();
    return { path: `${WIN}/devices/${d.id}/disable`, status: 200, target: () => ({ type: "winDevice", id: d.id }) };
  },
  WinDeviceEnable: async () => {
    const d = await winDevice();
    await api.post(`${WIN}/devices/${d.id}/disable`, undefined, 200);
    return { path: `${WIN}/devices/${d.id}/enable`, status: 200, target: () => ({ type: "winDevice", id: d.id }) };
  },
  WinDeviceDisenroll: async () => {
    const d = await winDevice();
    return { path: `${WIN}/devices/${d.id}/disenroll`, status: 200, target: () => ({ type: "winDevice", id: d.id }) };
  },
  WinPoliciesCreate: async () => ({
    path: `${WIN}/policies`,
    body: { name: unique("winpolicy") },
    status: 201,
    target: (r) => ({ type: "winPolicy", id: dataId(r) }),
  }),
  EnrollWindows: async () => {
    const t = await winToken();
    return {
      path: "/v1/enroll/windows",
      bearer: false,
      body: { enrollCode: t.enrollCode, device: { serialNumber: "PC-ENROLL" } },
      status: 201,
      target: (r) => ({ type: "winDevice", id: r.body.data.id }),
      actor: (r) => ({ type: "device", id: r.body.data.id }),
      credentials: (r) => [r.body.data.deviceSecret],
      details: () => ({ winEnrollmentTokenId: t.id, serialNumber: "PC-ENROLL" }),
    };
  },
  GoogleTokensCreate: async () => ({
    path: `/v1/enterprises/${enterpriseId}/enrollmentTokens`,
    body: { additionalData: "audited" },
    status: 200,
    target: (r) => ({ type: "googleEnrollmentToken", id: r.body.name.split("/").pop() }),
    credentials: (r) => [r.body.value, r.body.qrCode],
  }),
  GoogleTokenRemove: async () => {
    const t = await googleToken();
    return {
      path: `/v1/enterprises/${enterpriseId}/enrollmentTokens/${t.id}`,
      status: 200,
      target: () => ({ type: "googleEnrollmentToken", id: t.id }),
    };
  },
};

/** The operations of the document that change something, with their action. */
function audited() {
  return Object.values(doc.paths).flatMap((item) =>
    Object.entries(item)
      .filter(([, op]) => op["x-audit-action"])
      .map(([method, op]) => ({ method: method.toUpperCase(), name: op.operationId, op })),
  );
}

test("the document marks every operation that changes something, and only those", () => {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const action = op["x-audit-action"];
      if (method === "get") {
        assert.equal(action, undefined, `GET ${path} is a read`);
        continue;
      }
      const device = (op.security ?? []).some((s) => "deviceSecret" in s) || path.startsWith("/v1/enroll/");
      if (device) {
        assert.ok(["device.enroll", "device.stateChanged"].includes(action), `${method} ${path}: ${action}`);
      } else if (op["x-permission"]) {
        assert.equal(action, op["x-permission"], `${method} ${path}: the action is the row's permission`);
      } else {
        assert.equal(action, undefined, `${method} ${path} is public`);
      }
    }
  }
  const names = audited().map((o) => o.name);
  assert.ok(names.length >= 30, `only ${names.length} audited operations`);
  const missing = names.filter((n) => !(n in RECIPES));
  assert.deepEqual(missing, [], "operations that change something but have no recipe here: add one");
  const stale = Object.keys(RECIPES).filter((n) => !names.includes(n));
  assert.deepEqual(stale, [], "recipes for operations the document does not mark as changes");
});

test("every operation that changes something, called once, leaves exactly one event: its action, actor and target", async () => {
  const failures = [];
  for (const o of audited()) {
    const recipe = RECIPES[o.name];
    if (!recipe) {
      failures.push(`${o.name}: no recipe`);
      continue;
    }
    const req = await recipe();
    const headers = { "CF-Connecting-IP": IP, ...(req.headers ?? {}) };
    const token = req.bearer === false ? undefined : w.token({ sub: SERVICE });
    // The organization whose log holds the event; a new one has none yet.
    const before = req.org ? 0 : await count();
    const r = await call(w, o.method, req.path, { token, body: req.body, headers });
    if (r.status !== req.status) {
      failures.push(`${o.name}: ${r.status} ${JSON.stringify(r.body)}`);
      continue;
    }
    for (const c of req.credentials?.(r) ?? []) keep(c);
    const org = req.org ? req.org(r) : ORG;
    const list = await api.get(`${EVENTS(org)}?limit=5`);
    if (list.totalDocs !== before + 1) {
      failures.push(`${o.name}: ${list.totalDocs - before} new events, not 1`);
      continue;
    }
    const e = list.items[0];
    const actor = req.actor ? req.actor(r) : service;
    const expected = { action: o.op["x-audit-action"], actor, target: req.target(r), ip: IP };
    const got = { action: e.action, actor: e.actor, target: e.target, ip: e.ip };
    try {
      assert.deepEqual(got, expected);
      assert.equal(e.details.operation, o.name);
      for (const [k, v] of Object.entries(req.details?.() ?? {})) assert.equal(e.details[k], v, `details.${k}`);
      assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 60_000, e.at);
      assert.match(e.id, /^[0-9a-f]{24}$/);
    } catch (err) {
      failures.push(`${o.name}: ${err.message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test("actors: an API key, a person signed in with OpenID Connect, a service token, a device", async () => {
  // API key, created through the API.
  const key = await api.post(`/v1/organizations/${ORG}/api-keys`, { name: "automation", permissions: ["mdm.aosp.enrollmentToken.create"] });
  keep(key.key);
  const byKey = await client(w, key.key).post(`${AOSP}/enrollment-tokens`, {});
  keep(byKey.config.oneTimeToken, byKey.config.qrCode);
  let [e] = await events(ORG, `&targetId=${byKey.id}`);
  assert.deepEqual(e.actor, { type: "apiKey", id: key.id });
  assert.equal(e.action, "mdm.aosp.enrollmentToken.create");

  // A person: their membership gives the permission; the event names them and their email.
  await api.post(`/v1/organizations/${ORG}/members`, { email: "Auditor@People.test", role: "admin" });
  const person = personToken("Auditor@People.test", "person-42");
  keep(person);
  const seg = await client(w, person).post(`/v1/organizations/${ORG}/segments`, { name: "by a person" });
  [e] = await events(ORG, `&targetId=${seg.id}`);
  assert.deepEqual(e.actor, { type: "user", id: "person-42", email: "Auditor@People.test" });
  assert.equal(e.action, "admin.segment.create");

  // A service (HS256).
  const pol = await api.post(`${AOSP}/policies`, { name: "by a service" });
  [e] = await events(ORG, `&targetId=${pol.id}`);
  assert.deepEqual(e.actor, { type: "service", id: SERVICE });

  // A device, enrolling and reporting.
  const d = await aospDevice();
  const evs = await events(ORG, `&actorId=${d.id}`);
  assert.deepEqual(evs.map((x) => [x.action, x.actor.type]), [["device.enroll", "device"]]);
});

test("a change that does not happen leaves no event; a status report that moves nothing neither", async () => {
  const before = await count();
  const NO_SUCH = "0000000000000000000000aa";
  // 404: nothing to delete.
  assertError(await api.call("DELETE", `${AOSP}/enrollment-tokens/${NO_SUCH}`), 404, 3001);
  // 409: the conditional write changed no row (a DISABLED device disabled again).
  const d = await aospDevice();
  const afterDevice = await count();
  await api.post(`${AOSP}/devices/${d.id}/disable`, undefined, 200);
  assertError(await api.call("POST", `${AOSP}/devices/${d.id}/disable`), 409, 5010);
  // 409: the last owner cannot go (the condition is part of the DELETE).
  const owner = await api.post(`/v1/organizations/${ORG}/members`, { email: "owner@example.com", role: "owner" });
  assertError(await api.call("DELETE", `/v1/organizations/${ORG}/members/${owner.id}`), 409, 5010);
  // The batch fails (a UNIQUE conflict): neither the change nor its event.
  assert.deepEqual(violations(await api.call("POST", "/v1/organizations", { body: { name: "x", slug: ORG } })), [["slug", "unique"]]);
  // 5209 before any write.
  violations(await api.call("POST", `${AOSP}/enrollment-tokens`, { body: { duration: -1 } }));
  // Device side: a used token, a wrong secret.
  const t = await aospToken();
  assert.equal((await enroll(w, t.config.oneTimeToken)).status, 201);
  const afterEnroll = await count();
  assertError(await enroll(w, t.config.oneTimeToken), 409, 5010);
  assertError(
    await call(w, "POST", `/v1/devices/aosp/${d.id}/status`, { headers: { "X-Device-Secret": "wrong" }, body: {} }),
    401,
    4004,
  );
  assert.equal(await count(), afterEnroll);
  // The first report moves PROVISIONING → ACTIVE (one event), the next moves nothing (none).
  const fresh = await aospDevice();
  const c0 = await count();
  const report = () => call(w, "POST", `/v1/devices/aosp/${fresh.id}/status`, { headers: { "X-Device-Secret": fresh.secret }, body: {} });
  assert.equal((await report()).status, 200);
  assert.equal(await count(), c0 + 1);
  assert.equal((await report()).status, 200);
  assert.equal(await count(), c0 + 1);
  // Counted: the device (token + enroll); the disable, the owner, the token and its enrollment.
  assert.equal(afterDevice - before, 2);
  assert.equal(afterEnroll - afterDevice, 4);
});

test("the list: newest first, paged by the shared code, filtered by action, actor, target and time", async () => {
  const t1 = await aospToken();
  const t2 = await aospToken();
  await api.del(`${AOSP}/enrollment-tokens/${t1.id}`);
  const all = await events(ORG, "&action=mdm.aosp.enrollmentToken.remove");
  assert.ok(all.length >= 1 && all.every((e) => e.action === "mdm.aosp.enrollmentToken.remove"));
  const forT1 = await events(ORG, `&targetId=${t1.id}`);
  assert.deepEqual(forT1.map((e) => e.action), ["mdm.aosp.enrollmentToken.remove", "mdm.aosp.enrollmentToken.create"]);
  const both = await events(ORG, `&actorId=${SERVICE}&action=mdm.aosp.enrollmentToken.create`);
  const ids = both.map((e) => e.target.id);
  assert.ok(ids.indexOf(t2.id) < ids.indexOf(t1.id), "newest first");
  // Newest first overall, and pages that do not overlap.
  const page1 = await api.get(`${EVENTS()}?limit=3&page=1`);
  const page2 = await api.get(`${EVENTS()}?limit=3&page=2`);
  assert.equal(page1.page, 1);
  assert.equal(page1.nextPage, 2);
  assert.equal(page2.prevPage, 1);
  const times = [...page1.items, ...page2.items].map((e) => Date.parse(e.at));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  assert.equal(new Set([...page1.items, ...page2.items].map((e) => e.id)).size, 6);
  // Time: from / to are inclusive; a window after everything is empty.
  const newest = page1.items[0];
  const at = encodeURIComponent(newest.at);
  assert.ok((await events(ORG, `&from=${at}&to=${at}`)).some((e) => e.id === newest.id));
  const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
  assert.deepEqual(await events(ORG, `&from=${future}`), []);
  assert.ok((await events(ORG, `&to=${encodeURIComponent("2000-01-01T00:00:00+01:00")}`)).length === 0);
  // Another organization's log is its own.
  await api.org("audit-other");
  const other = await events("audit-other");
  assert.deepEqual(other.map((e) => e.action), ["platform.organization.create"]);
  assert.equal((await api.get(`${EVENTS()}?targetId=${other[0].target.id}`)).totalDocs, 0);
});

test("the list's query: every violation at once; its permission is admin.audit.list, which viewers hold", async () => {
  const r = await api.call("GET", `${EVENTS()}?page=0&limit=x&from=yesterday&to=2024-13-01T00:00:00Z&action=&sort=createdAt&status=DONE`);
  assert.deepEqual(violations(r), [
    ["page", "min"],
    ["limit", "type"],
    ["from", "format"],
    ["to", "format"],
    ["action", "minLength"],
    ["sort", "enum"],
    ["status", "unknownField"],
  ]);
  assert.deepEqual(violations(await api.call("GET", `${EVENTS()}?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z`)), [["to", "min"]]);
  assert.deepEqual(violations(await api.call("GET", `${EVENTS()}?actorId=${"x".repeat(257)}`)), [["actorId", "maxLength"]]);
  const op = doc.paths["/v1/organizations/{organizationId}/audit-events"].get;
  assert.equal(op["x-permission"], "admin.audit.list");
  assertError(await client(w, w.token({ perms: ["admin.segment.list"], orgs: [ORG] })).call("GET", EVENTS()), 403, 4005);
  await client(w, w.token({ perms: ["admin.audit.list"], orgs: [ORG] })).get(EVENTS());
  await api.post(`/v1/organizations/${ORG}/members`, { email: "viewer@people.test", role: "viewer" });
  await client(w, personToken("viewer@people.test", "viewer-1")).get(EVENTS());
});

test("no event of the run contains a credential the run created", async () => {
  // Everything stored, all organizations, every column.
  const rows = await w.sql("SELECT * FROM audit_events");
  assert.ok(rows.length >= 40, `only ${rows.length} events`);
  assert.ok(credentials.size >= 20, `only ${credentials.size} credentials collected`);
  const kinds = { aosp: 0, win: 0, secret: 0, key: 0 };
  for (const c of credentials) {
    if (c.startsWith("mdme_")) kinds.key += 1;
    if (c.startsWith("ms-device-enrollment:")) kinds.win += 1;
  }
  assert.ok(kinds.key >= 2 && kinds.win >= 2, JSON.stringify(kinds));
  const found = [];
  for (const row of rows) {
    const text = JSON.stringify(row);
    for (const c of credentials) {
      // Windows codes are short; every other credential is long. Compare the
      // code with and without its hyphens.
      for (const form of new Set([c, c.replaceAll("-", "")])) {
        if (form.length >= 8 && text.includes(form)) found.push(`${row.id} ${row.action} holds ${form.slice(0, 12)}...`);
      }
    }
  }
  assert.deepEqual(found, []);
});

test("retention: the cron deletes events older than AUDIT_RETENTION_DAYS (400), and only those", async () => {
  const [a, b, c] = (await events()).slice(0, 3);
  const DAY = 86_400_000;
  await w.sql(`UPDATE audit_events SET at = ${Date.now() - 401 * DAY} WHERE id IN ('${a.id}', '${b.id}')`);
  await w.sql(`UPDATE audit_events SET at = ${Date.now() - 399 * DAY} WHERE id = '${c.id}'`);
  const total = (await w.sql("SELECT count(*) AS n FROM audit_events"))[0].n;
  const r = await w.fetch("/__scheduled?cron=*/5+*+*+*+*");
  assert.equal(r.status, 200);
  await r.text();
  const left = await w.sql(`SELECT id FROM audit_events WHERE id IN ('${a.id}', '${b.id}', '${c.id}')`);
  assert.deepEqual(left.map((x) => x.id), [c.id]);
  assert.equal((await w.sql("SELECT count(*) AS n FROM audit_events"))[0].n, total - 2);
});
