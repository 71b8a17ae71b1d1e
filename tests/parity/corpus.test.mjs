// Parity: every case of the shared validation corpus
// (crates/mdm-wasm/tests/corpus.json) goes to the npm package AND to the
// running worker (wrangler dev, local D1, demo seed). Where the package finds
// violations, the server must answer 400 / 5209 with exactly the same
// `details` (paths, codes and messages, in order); where the package finds
// none, the server must not reject the body for a rule the package knows
// (only server-side checks such as `reference` / `unique` may remain).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { validate, validateJson } from "../../pkg/src/node.js";
import { cases } from "../../pkg/test/corpus.mjs";
import { call, ROOT, startWorker } from "../e2e/lib/server.mjs";

const ORG = "/v1/organizations/demo";
const SERVER_ONLY = new Set(["reference", "unique"]);
let w, token, deviceId, deviceSecret, winTokenId, winDeviceId, enterpriseId, memberId;
let segmentId, mdmUserId, aosPolicyId, dpcBuildId, winPolicyId, webhookId;

const send = (method, path, body, headers = {}) => call(w, method, path, { token, body, headers });
const ok = (r) => assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${JSON.stringify(r.body)}`);

before(async () => {
  w = await startWorker({ seedFile: join(ROOT, "scripts", "seed-demo.sql") });
  token = w.token({ perms: ["*"], orgs: ["*"] });
  // A device (for AospDeviceUpdate / AospStatusReport), a Windows token and a PC (for their updates).
  const aosp = await send("POST", `${ORG}/mdm/aosp/enterprise/enrollment-tokens`, { displayName: "parity" });
  ok(aosp);
  const enrolled = await call(w, "POST", "/v1/enroll/aosp", {
    body: { token: aosp.body.data.config.oneTimeToken, device: { serialNumber: "SN-PARITY" } },
  });
  ok(enrolled);
  deviceId = enrolled.body.data.deviceId ?? enrolled.body.data.id ?? enrolled.body.data.aosDeviceId;
  deviceSecret = enrolled.body.data.deviceSecret ?? enrolled.body.data.secret;
  assert.ok(deviceId && deviceSecret, JSON.stringify(enrolled.body));
  const win = await send("POST", `${ORG}/mdm/windows/enterprise/enrollment-tokens`, {});
  ok(win);
  winTokenId = win.body.data.id;
  const member = await send("POST", `${ORG}/members`, { email: "parity@example.com", role: "admin" });
  ok(member);
  memberId = member.body.data.id;
  const pc = await send("POST", "/v1/enroll/windows", { enrollCode: win.body.data.enrollCode, device: { serialNumber: "PARITY-PC" } });
  ok(pc);
  winDeviceId = pc.body.data.id;
  // One of each supporting resource (for their updates).
  const created = async (path, body) => {
    const r = await send("POST", `${ORG}/${path}`, body);
    ok(r);
    return r.body.data.id;
  };
  segmentId = await created("segments", { name: "parity" });
  mdmUserId = await created("mdm-users", { email: "parity-user@example.com" });
  aosPolicyId = await created("mdm/aosp/enterprise/policies", { name: "parity" });
  winPolicyId = await created("mdm/windows/enterprise/policies", { name: "parity" });
  dpcBuildId = await created("mdm/aosp/enterprise/dpc-builds", {
    tag: "parity",
    downloadUrl: "https://dl.example.com/parity.apk",
    signatureChecksum: "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
    componentName: "com.example.dpc/.AdminReceiver",
  });
  // A webhook for WebhookUpdate; disabled, so the corpus's enrollments deliver nothing.
  webhookId = await created("webhooks", { url: "https://hooks.example.com/parity", events: ["device.enrolled"], enabled: false });
  const orgs = await send("GET", "/v1/organizations?limit=100");
  ok(orgs);
  enterpriseId = orgs.body.data.items.find((o) => o.slug === "demo").enterpriseId;
  await loadRoutes();
});

after(async () => {
  await w?.stop();
});

/**
 * Where each request body goes: the operation of /openapi.json (generated
 * from the worker's endpoint table) whose requestBody is that body, with its
 * path parameters filled from the fixtures above.
 */
let routes;
async function loadRoutes() {
  const doc = (await call(w, "GET", "/openapi.json")).body;
  const values = {
    organizationId: "demo",
    enterpriseId,
    aosDeviceId: deviceId,
    winEnrollmentTokenId: winTokenId,
    winDeviceId,
    memberId,
    segmentId,
    mdmUserId,
    aosPolicyId,
    dpcBuildId,
    winPolicyId,
    webhookId,
  };
  routes = {};
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const ref = op.requestBody?.content?.["application/json"]?.schema?.$ref;
      if (!ref) continue;
      const name = ref.split("/").pop();
      assert.equal(routes[name], undefined, `${name} is the body of two operations`);
      const path = template.replace(/\{(\w+)\}/g, (_, p) => {
        assert.ok(values[p], `no fixture for path parameter ${p} of ${template}`);
        return values[p];
      });
      const device = (op.security ?? []).some((sec) => "deviceSecret" in sec);
      const bearer = (op.security ?? []).some((sec) => "bearerAuth" in sec);
      const headers = device ? { "x-device-secret": deviceSecret } : {};
      routes[name] = (b) => call(w, method.toUpperCase(), path, { token: bearer ? token : undefined, body: b, headers });
    }
  }
}

/** The violations a response reports, as {path, code?, message}. */
function reported(name, r) {
  if (name === "GoogleEnrollmentTokenCreate") {
    // Google's error body: fieldViolations carry field and description, no code.
    const bad = r.body?.error?.details?.find((d) => d["@type"]?.endsWith("BadRequest"));
    return r.status === 400 ? (bad?.fieldViolations ?? []).map((f) => ({ path: f.field, message: f.description })) : [];
  }
  return r.status === 400 && r.body?.error?.code === 5209 ? r.body.error.details : [];
}

test("the package and the worker report the same violations for every corpus case", { timeout: 300_000 }, async () => {
  assert.deepEqual(Object.keys(routes).sort(), [...new Set(cases.map((c) => c.name))].sort());
  const mismatches = [];
  for (const c of cases) {
    const local = validate(c.name, c.body);
    assert.deepEqual(validateJson(c.name, JSON.stringify(c.body)), local);
    const r = await routes[c.name](c.body);
    const server = reported(c.name, r);
    const label = `${c.name} ${JSON.stringify(c.body).slice(0, 100)} -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
    if (local.length > 0) {
      const expected = c.name === "GoogleEnrollmentTokenCreate" ? local.map(({ path, message }) => ({ path, message })) : local;
      if (r.status !== 400 || JSON.stringify(server) !== JSON.stringify(expected)) mismatches.push(label);
    } else if (server.some((v) => !SERVER_ONLY.has(v.code))) {
      mismatches.push(label);
    }
  }
  assert.deepEqual(mismatches, []);
});

test("malformed and blank bodies get the package's validateJson answer", { timeout: 60_000 }, async () => {
  for (const text of ['{"displayName": ', "   "]) {
    const r = await call(w, "POST", `${ORG}/mdm/aosp/enterprise/enrollment-tokens`, {
      token,
      body: text,
      headers: { "content-type": "application/json" },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error.details, validateJson("AospEnrollmentTokenCreate", text));
  }
});
