// AOSP enrollment tokens (seeds 000/001), device-side enrollment and status
// reports, devices (seed 002), expiry on read and by the cron sweep.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, enroll, assertError, violations } from "./lib/fixtures.mjs";

const BASE = "/v1/organizations/acme/mdm/aosp/enterprise";
let w, api, org, user, low, high, direct, seg;
before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  org = await api.org("acme");
  user = await api.user("acme", "ada@example.com");
  low = await api.policy("acme", "Low", { camera: false, wifi: { ssid: "a", hidden: true } }, 1);
  high = await api.policy("acme", "High", { camera: true, wifi: { ssid: "b" } }, 7);
  direct = await api.policy("acme", "Direct", { kiosk: true }, 2);
  await api.build("acme", "old");
  await api.build("acme", "newest");
  seg = {};
  seg.root = await api.segment("acme", "root");
  seg.child = await api.segment("acme", "child", seg.root.id);
  seg.leaf = await api.segment("acme", "leaf", seg.child.id);
});
after(async () => {
  await w?.stop();
});

const EXTRAS = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";
const DOWNLOAD = "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION";

test("create: the seed's token shape, expanded user and policies, DPC build by tag or newest", async () => {
  const t = await api.token("acme", {
    displayName: "Front desk",
    tags: ["lobby"],
    mdmUserId: user.id,
    segmentId: seg.child.id,
    dpcBuildTag: "old",
    aosPolicyAssignments: [{ aosPolicyId: low.id, priority: 1 }, { aosPolicyId: high.id, priority: 7 }],
  });
  assert.match(t.id, /^[0-9a-f]{24}$/);
  assert.equal(t.organizationId, org.id);
  assert.equal(t.aosEnterpriseId, org.aosEnterpriseId);
  assert.equal(t.type, "aosp");
  assert.equal(t.subType, "enrollment");
  assert.equal(t.status, "PENDING");
  assert.equal(t.state, "PENDING");
  assert.equal(t.perpetual, false);
  assert.equal(t.managementMode, "DEVICE_OWNER");
  assert.equal(t.summary.managementMode, "DEVICE_OWNER");
  const ttl = Date.parse(t.summary.expirationTimestamp) - Date.parse(t.createdAt);
  assert.equal(ttl, 3600_000);
  assert.deepEqual(t.mdmUser, { id: user.id, email: "ada@example.com" });
  assert.equal(t.mdmUserId, user.id);
  assert.equal(t.segmentId, seg.child.id);
  assert.deepEqual(t.tags, ["lobby"]);
  assert.deepEqual(t.aosPolicyAssignments, [
    { aosPolicyId: low.id, aosPolicy: { id: low.id, name: "Low", version: "1" }, priority: 1 },
    { aosPolicyId: high.id, aosPolicy: { id: high.id, name: "High", version: "7" }, priority: 7 },
  ]);
  assert.ok(t.config.oneTimeToken.length >= 22);
  assert.equal(t.config.enrollmentHost, w.url);
  assert.equal(t.config.qrCode[DOWNLOAD], "https://dl.example.com/old.apk");
  assert.equal(t.config.qrCode[EXTRAS]["com.mdmedge.dpc.EXTRA_ENROLLMENT_TOKEN"], t.config.oneTimeToken);
  const plain = await api.token("acme", { duration: 60 });
  assert.equal(plain.config.qrCode[DOWNLOAD], "https://dl.example.com/newest.apk");
  assert.equal(Date.parse(plain.summary.expirationTimestamp) - Date.parse(plain.createdAt), 60_000);
  assert.equal(plain.mdmUser, undefined);
  const perpetual = await api.token("acme", { perpetual: true, duration: 120 });
  assert.equal(perpetual.summary.expirationTimestamp, null);
  // GET returns the same resource.
  assert.deepEqual(await api.get(`${BASE}/enrollment-tokens/${t.id}`), t);
});

test("create: every violation at once, references checked in the organization", async () => {
  const got = violations(await api.call("POST", `${BASE}/enrollment-tokens`, {
    body: {
      duration: 59,
      managementMode: "PROFILE",
      tags: [""],
      aosPolicyAssignments: [{ aosPolicyId: low.id, priority: 1 }, { aosPolicyId: low.id }],
      unknown: true,
    },
  }));
  for (const v of [["duration", "min"], ["managementMode", "enum"], ["tags[0]", "minLength"],
    ["aosPolicyAssignments[1].priority", "required"], ["unknown", "unknownField"]]) {
    assert.ok(got.some(([p, c]) => p === v[0] && c === v[1]), `${v} in ${JSON.stringify(got)}`);
  }
  assert.ok(violations(await api.call("POST", `${BASE}/enrollment-tokens`, { body: { duration: 2592001 } })).length === 1);
  const refs = violations(await api.call("POST", `${BASE}/enrollment-tokens`, {
    body: {
      mdmUserId: "0123456789abcdef01234567",
      segmentId: 99999,
      dpcBuildTag: "nope",
      aosPolicyAssignments: [{ aosPolicyId: "0123456789abcdef01234567", priority: 1 }],
    },
  }));
  assert.deepEqual(refs, [
    ["mdmUserId", "reference"],
    ["segmentId", "reference"],
    ["dpcBuildTag", "reference"],
    ["aosPolicyAssignments[0].aosPolicyId", "reference"],
  ]);
  assertError(await api.call("POST", `${BASE}/enrollment-tokens`, { body: "{", headers: { "content-type": "application/json" } }), 400, 5209);
  assertError(await api.call("POST", `${BASE}/enrollment-tokens`, { body: { displayName: "x".repeat(70_000) } }), 413, 4130);
  assertError(await api.call("PATCH", `${BASE}/enrollment-tokens`), 405, 4050);
  assert.equal((await api.call("PATCH", `${BASE}/enrollment-tokens`)).headers.get("allow"), "GET, POST");
});

test("permissions: each route needs its own", async () => {
  const t = await api.token("acme");
  const listOnly = client(w, w.token({ perms: ["mdm.aosp.enrollmentToken.list"] }));
  await listOnly.get(`${BASE}/enrollment-tokens`);
  assertError(await listOnly.call("GET", `${BASE}/enrollment-tokens/${t.id}`), 403, 4005);
  assertError(await listOnly.call("POST", `${BASE}/enrollment-tokens`, { body: {} }), 403, 4005);
  assertError(await listOnly.call("DELETE", `${BASE}/enrollment-tokens/${t.id}`), 403, 4005);
  assertError(await listOnly.call("GET", `${BASE}/devices`), 403, 4005);
  assertError(await call(w, "GET", `${BASE}/enrollment-tokens`), 401, 4002);
  const now = Math.floor(Date.now() / 1000);
  for (const bad of [
    w.sign({ sub: "x", exp: now - 10, orgs: ["*"], perms: ["*"] }),
    w.sign({ sub: "x", exp: now + 600, nbf: now + 300, orgs: ["*"], perms: ["*"] }),
    w.sign({ sub: "x", exp: now + 600, orgs: ["*"], perms: ["*"] }, { alg: "none", typ: "JWT" }),
    "not.a.jwt",
  ]) {
    assertError(await call(w, "GET", `${BASE}/enrollment-tokens`, { token: bad }), 401, 4004);
  }
  const wild = client(w, w.token({ orgs: ["acme"], perms: ["mdm.aosp.*"] }));
  await wild.get(`${BASE}/enrollment-tokens/${t.id}`);
});

test("delete: the token is returned DELETED, then it is a 404 everywhere", async () => {
  const t = await api.token("acme");
  const d = await api.del(`${BASE}/enrollment-tokens/${t.id}`);
  assert.equal(d.status, "DELETED");
  assert.equal(d.state, "DELETED");
  assertError(await api.call("DELETE", `${BASE}/enrollment-tokens/${t.id}`), 404, 3001);
  assertError(await api.call("GET", `${BASE}/enrollment-tokens/${t.id}`), 404, 3001);
  assertError(await enroll(w, t.config.oneTimeToken), 404, 3001);
  const listed = await api.get(`${BASE}/enrollment-tokens?limit=100`);
  assert.ok(!listed.items.some((x) => x.id === t.id));
  const deleted = await api.get(`${BASE}/enrollment-tokens?status=DELETED&limit=100`);
  assert.ok(deleted.items.some((x) => x.id === t.id));
  assert.deepEqual(violations(await api.call("GET", `${BASE}/enrollment-tokens/xyz`)), [["aosEnrollmentTokenId", "pattern"]]);
  assertError(await api.call("GET", `${BASE}/enrollment-tokens/0123456789abcdef01234567`), 404, 3001);
});

test("enroll: one-time token PENDING -> DONE with aosDeviceId; device PROVISIONING; second use fails", async () => {
  const t = await api.token("acme", { mdmUserId: user.id, tags: ["t1"], aosPolicyAssignments: [{ aosPolicyId: low.id, priority: 1 }] });
  const r = await enroll(w, t.config.oneTimeToken, "SN-ONE", { model: "Pixel", name: "Kiosk 1" });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { aosDeviceId, deviceSecret, state, organizationId } = r.body.data;
  assert.match(aosDeviceId, /^[0-9a-f]{24}$/);
  assert.ok(deviceSecret.length >= 22);
  assert.equal(state, "PROVISIONING");
  assert.equal(organizationId, org.id);
  const after = await api.get(`${BASE}/enrollment-tokens/${t.id}`);
  assert.equal(after.status, "DONE");
  assert.equal(after.aosDeviceId, aosDeviceId);
  assert.equal(after.config, undefined, "a consumed token no longer shows its value");
  assertError(await enroll(w, t.config.oneTimeToken, "SN-TWO"), 409, 5010);
  const device = await api.get(`${BASE}/devices/${aosDeviceId}`);
  assert.equal(device.state, "PROVISIONING");
  assert.equal(device.type, "aosp");
  assert.equal(device.subType, "device");
  assert.equal(device.displayName, "Kiosk 1");
  assert.deepEqual(device.mdmUser, { id: user.id, email: "ada@example.com" });
  assert.deepEqual(device.tags, ["t1"]);
  assert.equal(device.stateHistory.length, 1);
  assert.equal(device.stateHistory[0].state, "PROVISIONING");
  assert.equal(device.aosPolicyAssignments[0].aosPolicy.name, "Low");
  // The secret is stored only as its SHA-256.
  const rows = await w.sql(`SELECT secret_hash FROM aosp_devices WHERE id = '${aosDeviceId}'`);
  assert.notEqual(rows[0].secret_hash, deviceSecret);
  assert.equal(rows[0].secret_hash.length, 64);
  // Device-side validation and unknown tokens.
  assert.deepEqual(violations(await call(w, "POST", "/v1/enroll/aosp", { body: { device: {} } })).sort(), [
    ["device.serialNumber", "required"],
    ["token", "required"],
  ]);
  assertError(await enroll(w, "no-such-token"), 404, 3001);
});

test("40 concurrent enrollments on one one-time token create exactly one device", async () => {
  const t = await api.token("acme", { displayName: "race" });
  const before = (await w.sql("SELECT count(*) AS n FROM aosp_devices"))[0].n;
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => enroll(w, t.config.oneTimeToken, `RACE-${i}`)),
  );
  const wins = results.filter((r) => r.status === 201);
  const losses = results.filter((r) => r.status !== 201);
  assert.equal(wins.length, 1, JSON.stringify(results.map((r) => r.status)));
  for (const l of losses) assertError(l, 409, 5010);
  const afterCount = (await w.sql("SELECT count(*) AS n FROM aosp_devices"))[0].n;
  assert.equal(afterCount - before, 1);
  const token = await api.get(`${BASE}/enrollment-tokens/${t.id}`);
  assert.equal(token.status, "DONE");
  assert.equal(token.aosDeviceId, wins[0].body.data.aosDeviceId);
});

test("a perpetual token enrolls several devices and stays PENDING", async () => {
  const t = await api.token("acme", { perpetual: true });
  const ids = [];
  for (const sn of ["P-1", "P-2", "P-3"]) {
    const r = await enroll(w, t.config.oneTimeToken, sn);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.data.aosDeviceId);
  }
  assert.equal(new Set(ids).size, 3);
  const after = await api.get(`${BASE}/enrollment-tokens/${t.id}`);
  assert.equal(after.status, "PENDING");
  assert.equal(after.aosDeviceId, undefined);
  // Deleted, it enrolls nothing more.
  await api.del(`${BASE}/enrollment-tokens/${t.id}`);
  assertError(await enroll(w, t.config.oneTimeToken, "P-4"), 404, 3001);
});

test("expiry: seen on read, never written by a read, blocks enrollment", async () => {
  const t = await api.token("acme", { duration: 60 });
  await w.sql(`UPDATE aosp_enrollment_tokens SET expires_at = expires_at - 3600000 WHERE id = '${t.id}'`);
  const [before] = await w.sql(`SELECT status, updated_at FROM aosp_enrollment_tokens WHERE id = '${t.id}'`);
  const got = await api.get(`${BASE}/enrollment-tokens/${t.id}`);
  assert.equal(got.status, "EXPIRED");
  assert.equal(got.state, "EXPIRED");
  // Reads never write (they may run on a read replica): the row is as it was
  // until the cron sweep persists the expiry.
  assert.deepEqual(await w.sql(`SELECT status, updated_at FROM aosp_enrollment_tokens WHERE id = '${t.id}'`), [before]);
  assert.equal(before.status, "PENDING");
  assertError(await enroll(w, t.config.oneTimeToken), 409, 5010);
  // An expired token can still be deleted.
  assert.equal((await api.del(`${BASE}/enrollment-tokens/${t.id}`)).status, "DELETED");

  // Expired but not yet written back: the list filter still sees it as EXPIRED.
  const t2 = await api.token("acme", { duration: 60, displayName: "to-expire" });
  await w.sql(`UPDATE aosp_enrollment_tokens SET expires_at = expires_at - 3600000 WHERE id = '${t2.id}'`);
  const pending = await api.get(`${BASE}/enrollment-tokens?status=PENDING&limit=100`);
  assert.ok(!pending.items.some((x) => x.id === t2.id));
  const expired = await api.get(`${BASE}/enrollment-tokens?status=EXPIRED&limit=100`);
  assert.ok(expired.items.some((x) => x.id === t2.id && x.status === "EXPIRED"));
  assert.ok(expired.items.every((x) => x.status === "EXPIRED"));
  // Sorted by status, it sits with the EXPIRED tokens, not the PENDING ones.
  const byStatus = await api.get(`${BASE}/enrollment-tokens?sort=status:asc&limit=100`);
  const shown = byStatus.items.map((x) => x.status);
  assert.deepEqual(shown, [...shown].sort(), `sorted by the status shown: ${shown}`);
  assert.ok(shown.includes("PENDING") && shown.includes("EXPIRED"));
  assertError(await enroll(w, t2.config.oneTimeToken), 409, 5010);
  assert.deepEqual(await w.sql(`SELECT status FROM aosp_enrollment_tokens WHERE id = '${t2.id}'`), [{ status: "PENDING" }]);
  // The sweep persists it.
  const r = await w.fetch("/__scheduled?cron=*/5+*+*+*+*");
  assert.equal(r.status, 200);
  await r.text();
  assert.deepEqual(await w.sql(`SELECT status FROM aosp_enrollment_tokens WHERE id = '${t2.id}'`), [{ status: "EXPIRED" }]);
});

test("the cron sweep marks overdue PENDING tokens EXPIRED", async () => {
  const t = await api.token("acme", { duration: 60 });
  const keep = await api.token("acme", { duration: 3600 });
  const perpetual = await api.token("acme", { perpetual: true });
  await w.sql(`UPDATE aosp_enrollment_tokens SET expires_at = 1000 WHERE id IN ('${t.id}', '${keep.id}') AND id = '${t.id}'`);
  const r = await w.fetch("/__scheduled?cron=*/5+*+*+*+*");
  assert.equal(r.status, 200);
  await r.text();
  const rows = await w.sql(
    `SELECT id, status FROM aosp_enrollment_tokens WHERE id IN ('${t.id}', '${keep.id}', '${perpetual.id}') ORDER BY id`,
  );
  const status = Object.fromEntries(rows.map((x) => [x.id, x.status]));
  assert.equal(status[t.id], "EXPIRED");
  assert.equal(status[keep.id], "PENDING");
  assert.equal(status[perpetual.id], "PENDING");
});

test("token list: status lists, sort whitelist, segment expansion", async () => {
  // A tree of its own: root > child > leaf, plus a sibling that no expansion from child reaches.
  const tree = {};
  tree.root = await api.segment("acme", "t-root");
  tree.child = await api.segment("acme", "t-child", tree.root.id);
  tree.leaf = await api.segment("acme", "t-leaf", tree.child.id);
  tree.sibling = await api.segment("acme", "t-sibling", tree.root.id);
  const inRoot = await api.token("acme", { segmentId: tree.root.id, displayName: "b-root" });
  const inChild = await api.token("acme", { segmentId: tree.child.id, displayName: "a-child" });
  const inLeaf = await api.token("acme", { segmentId: tree.leaf.id, displayName: "c-leaf" });
  const inSibling = await api.token("acme", { segmentId: tree.sibling.id, displayName: "d-sibling" });
  const ids = (page) => page.items.map((x) => x.id).sort();
  const q = (s) => api.get(`${BASE}/enrollment-tokens?${s}`);
  assert.deepEqual(ids(await q(`segmentId=${tree.child.id}`)), [inChild.id].sort());
  assert.deepEqual(ids(await q(`segmentId=${tree.child.id}&expandTo=children`)), [inChild.id, inLeaf.id].sort());
  assert.deepEqual(ids(await q(`segmentId=${tree.child.id}&expandTo=ancestors`)), [inChild.id, inRoot.id].sort());
  assert.deepEqual(ids(await q(`segmentId=${tree.root.id}&expandTo=children`)), [inRoot.id, inChild.id, inLeaf.id, inSibling.id].sort());
  const sorted = await q(`segmentId=${tree.root.id}&expandTo=children&sort=displayName:asc`);
  assert.deepEqual(sorted.items.map((x) => x.displayName), ["a-child", "b-root", "c-leaf", "d-sibling"]);
  const desc = await q(`segmentId=${tree.root.id}&expandTo=children&sort=displayName:desc`);
  assert.deepEqual(desc.items.map((x) => x.displayName), ["d-sibling", "c-leaf", "b-root", "a-child"]);
  const both = await q("status=DONE,DELETED&limit=100");
  assert.ok(both.items.every((x) => ["DONE", "DELETED"].includes(x.status)));
  const repeated = await q("status=DONE&status=DELETED&limit=100");
  assert.equal(repeated.totalDocs, both.totalDocs);
  const all = await q("limit=100");
  assert.ok(all.items.every((x) => x.status !== "DELETED"));
  const withUser = await api.token("acme", { mdmUserId: user.id });
  const userTokens = await q(`mdmUserId=${user.id}&limit=100`);
  assert.ok(userTokens.items.some((x) => x.id === withUser.id), JSON.stringify(userTokens));
  assert.ok(userTokens.items.every((x) => x.mdmUserId === user.id));
  assert.deepEqual(violations(await api.call("GET", `${BASE}/enrollment-tokens?status=NOPE`)), [["status", "enum"]]);
  assert.deepEqual(violations(await api.call("GET", `${BASE}/enrollment-tokens?sort=value`)), [["sort", "enum"]]);
  assert.deepEqual(violations(await api.call("GET", `${BASE}/enrollment-tokens?expandTo=children`)), [["expandTo", "dependency"]]);
  assert.deepEqual(violations(await api.call("GET", `${BASE}/enrollment-tokens?expandTo=sideways&segmentId=1`)), [["expandTo", "enum"]]);
  const counts = await q("limit=0");
  assert.deepEqual(counts.items, []);
  assert.ok(counts.totalDocs > 0);
});

test("status report: PROVISIONING -> ACTIVE, report recorded, secret required", async () => {
  const t = await api.token("acme");
  const { aosDeviceId, deviceSecret } = (await enroll(w, t.config.oneTimeToken, "SN-REP")).body.data;
  const path = `/v1/devices/aosp/${aosDeviceId}/status`;
  const report = {
    policyCompliant: true,
    softwareInfo: { androidVersion: "14" },
    location: { latitude: 52.5, longitude: 13.4 },
    appliedPolicy: { status: "success" },
  };
  assertError(await call(w, "POST", path, { body: report }), 401, 4002);
  assertError(await call(w, "POST", path, { body: report, headers: { "x-device-secret": "wrong" } }), 401, 4004);
  const r = await call(w, "POST", path, { body: report, headers: { "x-device-secret": deviceSecret } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.data.state, "ACTIVE");
  const again = await call(w, "POST", path, { body: { policyCompliant: false }, headers: { "x-device-secret": deviceSecret } });
  assert.equal(again.body.data.state, "ACTIVE");
  const d = await api.get(`${BASE}/devices/${aosDeviceId}`);
  assert.equal(d.state, "ACTIVE");
  assert.deepEqual(d.stateHistory.map((h) => h.state), ["PROVISIONING", "ACTIVE"]);
  assert.equal(d.config.deviceReport.policyCompliant, false);
  assert.deepEqual(d.config.location, { latitude: 52.5, longitude: 13.4 });
  assert.equal(d.config.appliedPolicy.status, "success");
  assert.ok(d.lastStatusReportTime);
  assert.deepEqual(
    violations(await call(w, "POST", path, { body: { location: { latitude: 91 } }, headers: { "x-device-secret": deviceSecret } })).sort(),
    [["location.latitude", "max"], ["location.longitude", "required"]],
  );
});

test("devices: update assignments, compose the effective policy, unlink the user", async () => {
  const t = await api.token("acme", { mdmUserId: user.id });
  const { aosDeviceId } = (await enroll(w, t.config.oneTimeToken, "SN-UPD")).body.data;
  const path = `${BASE}/devices/${aosDeviceId}`;
  const d = await api.put(path, {
    displayName: "Renamed",
    tags: ["x", "y"],
    segmentId: seg.leaf.id,
    aosPolicyAssignments: [{ aosPolicyId: high.id, priority: 7 }, { aosPolicyId: low.id, priority: 1 }],
  });
  assert.equal(d.displayName, "Renamed");
  assert.deepEqual(d.tags, ["x", "y"]);
  assert.equal(d.segmentId, seg.leaf.id);
  assert.deepEqual(d.mdmUser, { id: user.id, email: "ada@example.com" });
  assert.deepEqual(d.aosPolicyAssignments.map((a) => [a.aosPolicy.name, a.priority]), [["High", 7], ["Low", 1]]);
  assert.equal(d.deviceAosPolicy.id, high.id);
  assert.deepEqual(d.deviceAosPolicy.config, { camera: true, wifi: { ssid: "b", hidden: true } });
  assert.equal(d.deviceAosPolicy.aosEnterpriseId, org.aosEnterpriseId);

  const withDirect = await api.put(path, { policyId: direct.id, mdmUserId: null });
  assert.equal(withDirect.mdmUser, undefined);
  assert.equal(withDirect.aosPolicyId, direct.id);
  assert.deepEqual(withDirect.aosPolicy, { id: direct.id, name: "Direct", version: "2" });
  assert.equal(withDirect.deviceAosPolicy.id, direct.id);
  assert.deepEqual(withDirect.deviceAosPolicy.config, { camera: true, wifi: { ssid: "b", hidden: true }, kiosk: true });
  assert.equal(withDirect.displayName, "Renamed", "absent fields are unchanged");
  assert.deepEqual(await api.get(path), withDirect);

  const refs = violations(await api.call("PUT", path, {
    body: { policyId: "0123456789abcdef01234567", mdmUserId: "0123456789abcdef01234567", aosPolicyAssignments: [{ aosPolicyId: "0123456789abcdef01234567", priority: 1 }] },
  }));
  assert.deepEqual(refs, [["policyId", "reference"], ["mdmUserId", "reference"], ["aosPolicyAssignments[0].aosPolicyId", "reference"]]);
  assert.deepEqual(violations(await api.call("PUT", path, { body: { displayName: 5, segmentId: -1 } })).sort(), [
    ["displayName", "type"],
    ["segmentId", "min"],
  ]);
  // Nothing of a rejected update was written.
  assert.deepEqual(await api.get(path), withDirect);
  assertError(await api.call("GET", `${BASE}/devices/0123456789abcdef01234567`), 404, 3001);
  // DELETE is the device's retirement (tests/e2e/devices.test.mjs); PATCH is no method here.
  assertError(await api.call("PATCH", path), 405, 4050);
});

test("device list: state filter, sort, segment, filters by user and policy", async () => {
  const all = await api.get(`${BASE}/devices?limit=100`);
  assert.ok(all.totalDocs >= 5);
  assert.ok(all.items.every((d) => d.deviceAosPolicy === undefined), "the list is lean");
  const active = await api.get(`${BASE}/devices?status=ACTIVE`);
  assert.ok(active.totalDocs >= 1 && active.items.every((d) => d.state === "ACTIVE"));
  const bySeg = await api.get(`${BASE}/devices?segmentId=${seg.root.id}&expandTo=children`);
  assert.ok(bySeg.items.length >= 1 && bySeg.items.every((d) => d.segmentId === seg.leaf.id));
  const byPolicy = await api.get(`${BASE}/devices?aosPolicyId=${direct.id}`);
  assert.ok(byPolicy.items.every((d) => d.aosPolicyId === direct.id) && byPolicy.totalDocs >= 1);
  const sorted = await api.get(`${BASE}/devices?sort=enrolledDate:asc&limit=100`);
  const dates = sorted.items.map((d) => d.enrolledDate);
  assert.deepEqual(dates, [...dates].sort());
  const p2 = await api.get(`${BASE}/devices?limit=2&page=2`);
  assert.equal(p2.prevPage, 1);
  assert.equal(p2.hasPrevPage, true);
  assert.deepEqual(violations(await api.call("GET", `${BASE}/devices?sort=serialNumber`)), [["sort", "enum"]]);
});

test("plan quota: a free organization holds at most 25 live tokens (5017), checked atomically", async () => {
  await api.org("freebie", "free");
  const path = "/v1/organizations/freebie/mdm/aosp/enterprise/enrollment-tokens";
  for (let i = 0; i < 24; i++) await api.token("freebie");
  // The last free slot, raced by five creates: exactly one wins.
  const raced = await Promise.all(Array.from({ length: 5 }, () => api.call("POST", path, { body: {} })));
  assert.equal(raced.filter((r) => r.status === 201).length, 1);
  for (const r of raced.filter((r) => r.status !== 201)) assertError(r, 400, 5017);
  const full = await api.call("POST", path, { body: {} });
  assertError(full, 400, 5017);
  assert.equal(full.body.error.message, "Limit Exceeded");
  assert.equal((await api.get(`${path}?limit=0`)).totalDocs, 25, "nothing half-written");
  // A deleted token frees its slot.
  const first = (await api.get(`${path}?limit=1`)).items[0];
  await api.del(`${path}/${first.id}`);
  await api.token("freebie");
});
