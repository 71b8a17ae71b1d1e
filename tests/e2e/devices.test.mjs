// Devices through their whole life: the AOSP device state machine (every
// move allowed and forbidden), the revoked secret, the status-report
// commands; Windows devices (list, get, put, the same moves) and their tenancy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, enroll, assertError, violations } from "./lib/fixtures.mjs";

const AOSP = "/v1/organizations/acme/mdm/aosp/enterprise";
const WIN = "/v1/organizations/acme/mdm/windows/enterprise";
let w, api, other;
before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  await api.org("acme");
  await api.org("other");
  other = client(w, w.token());
});
after(async () => {
  await w?.stop();
});

/** A fresh AOSP device: `{id, secret}`. */
async function aospDevice(serial = "SN-1") {
  const t = await api.token("acme", {});
  const r = await enroll(w, t.config.oneTimeToken, serial);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.data.aosDeviceId, secret: r.body.data.deviceSecret };
}

function report(d, body = {}) {
  return call(w, "POST", `/v1/devices/aosp/${d.id}/status`, { body, headers: { "X-Device-Secret": d.secret } });
}

async function reportOk(d, state, command) {
  const r = await report(d);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.data.state, state);
  assert.equal(r.body.data.command, command);
  return r.body.data;
}

const action = (d, verb) => api.call("POST", `${AOSP}/devices/${d.id}/${verb}`);
const moveOk = async (d, verb, state) => {
  const r = verb === "delete" ? await api.call("DELETE", `${AOSP}/devices/${d.id}`) : await action(d, verb);
  assert.equal(r.status, 200, `${verb}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.data.state, state);
  assert.equal(r.body.data.stateHistory.at(-1).state, state);
  return r.body.data;
};
const moveRefused = async (d, verb) => {
  const r = verb === "delete" ? await api.call("DELETE", `${AOSP}/devices/${d.id}`) : await action(d, verb);
  assertError(r, 409, 5010);
};

test("aosp: every move of the device state machine, allowed and forbidden", async () => {
  // PROVISIONING: enable is refused; disable, disenroll, delete are allowed.
  const p = await aospDevice("P");
  await moveRefused(p, "enable");
  await moveOk(p, "disable", "DISABLED");
  const p2 = await aospDevice("P2");
  await moveOk(p2, "disenroll", "PENDING_DISENROLL");
  const p3 = await aospDevice("P3");
  await moveOk(p3, "delete", "DELETED");

  // ACTIVE (after the first report): enable refused; disable, disenroll, delete allowed.
  const a = await aospDevice("A");
  await reportOk(a, "ACTIVE", "none");
  await moveRefused(a, "enable");
  const disabled = await moveOk(a, "disable", "DISABLED");
  assert.deepEqual(disabled.stateHistory.map((s) => s.state), ["PROVISIONING", "ACTIVE", "DISABLED"]);
  // DISABLED: disable refused; enable, disenroll, delete allowed.
  await moveRefused(a, "disable");
  await reportOk(a, "DISABLED", "disable");
  await moveOk(a, "enable", "ACTIVE");
  await reportOk(a, "ACTIVE", "none");
  await moveOk(a, "disable", "DISABLED");
  await moveOk(a, "disenroll", "PENDING_DISENROLL");
  // PENDING_DISENROLL: disable, enable, disenroll refused; delete allowed.
  await moveRefused(a, "disable");
  await moveRefused(a, "enable");
  await moveRefused(a, "disenroll");
  const a2 = await aospDevice("A2");
  await reportOk(a2, "ACTIVE", "none");
  await moveOk(a2, "disenroll", "PENDING_DISENROLL");
  await moveOk(a2, "delete", "DELETED");
  // DELETED: everything refused.
  for (const verb of ["disable", "enable", "disenroll", "delete"]) await moveRefused(a2, verb);
  const got = await api.get(`${AOSP}/devices/${a2.id}`);
  assert.deepEqual(got.stateHistory.map((s) => s.state), ["PROVISIONING", "ACTIVE", "PENDING_DISENROLL", "DELETED"]);
  const d3 = await aospDevice("D3");
  await moveOk(d3, "disable", "DISABLED");
  await moveOk(d3, "delete", "DELETED");
});

test("aosp: a disenrolled device is told to wipe and becomes DELETED; its secret then fails", async () => {
  const d = await aospDevice("W");
  await reportOk(d, "ACTIVE", "none");
  await moveOk(d, "disenroll", "PENDING_DISENROLL");
  const last = await reportOk(d, "DELETED", "wipe");
  assert.equal(last.aosDeviceId, d.id);
  assertError(await report(d), 401, 4004);
  const got = await api.get(`${AOSP}/devices/${d.id}`);
  assert.equal(got.state, "DELETED");
  assert.deepEqual(got.stateHistory.map((s) => s.state), ["PROVISIONING", "ACTIVE", "PENDING_DISENROLL", "DELETED"]);
});

test("aosp: a deleted device's secret stops working at once; deleted devices are listed only when asked", async () => {
  const d = await aospDevice("R");
  await reportOk(d, "ACTIVE", "none");
  const deleted = await moveOk(d, "delete", "DELETED");
  assert.equal(deleted.id, d.id);
  assertError(await report(d), 401, 4004);
  const live = await api.get(`${AOSP}/devices?limit=100`);
  assert.ok(live.items.every((x) => x.state !== "DELETED"));
  assert.ok(!live.items.some((x) => x.id === d.id));
  const gone = await api.get(`${AOSP}/devices?status=DELETED&limit=100`);
  assert.ok(gone.items.some((x) => x.id === d.id));
  assert.ok(gone.items.every((x) => x.state === "DELETED"));
});

test("aosp: the moves are 404 for an unknown id and for another organization's device", async () => {
  const d = await aospDevice("T");
  for (const verb of ["disable", "enable", "disenroll"]) {
    assertError(await other.call("POST", `/v1/organizations/other/mdm/aosp/enterprise/devices/${d.id}/${verb}`), 404, 3001);
    assertError(await api.call("POST", `${AOSP}/devices/${"0".repeat(24)}/${verb}`), 404, 3001);
  }
  assertError(await other.call("DELETE", `/v1/organizations/other/mdm/aosp/enterprise/devices/${d.id}`), 404, 3001);
  assertError(await api.call("DELETE", `${AOSP}/devices/${"0".repeat(24)}`), 404, 3001);
  assert.deepEqual(violations(await api.call("DELETE", `${AOSP}/devices/nope`)), [["aosDeviceId", "pattern"]]);
  // Nothing happened to it.
  assert.equal((await api.get(`${AOSP}/devices/${d.id}`)).state, "PROVISIONING");
});

test("aosp: the moves need their permissions", async () => {
  const d = await aospDevice("G");
  const updater = client(w, w.token({ perms: ["mdm.aosp.device.update"], orgs: ["acme"] }));
  const remover = client(w, w.token({ perms: ["mdm.aosp.device.remove"], orgs: ["acme"] }));
  assertError(await remover.call("POST", `${AOSP}/devices/${d.id}/disable`), 403, 4005);
  assertError(await updater.call("DELETE", `${AOSP}/devices/${d.id}`), 403, 4005);
  assert.equal((await updater.post(`${AOSP}/devices/${d.id}/disable`, undefined, 200)).state, "DISABLED");
  assert.equal((await remover.del(`${AOSP}/devices/${d.id}`)).state, "DELETED");
});

/** A fresh Windows device enrolled with a new token's code: `{id, token}`. */
async function winDevice(body = {}, serialNumber = "PC-1") {
  const t = await api.post(`${WIN}/enrollment-tokens`, body);
  const r = await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: t.enrollCode, device: { serialNumber } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.data.id, token: t };
}

test("windows: a token's winDeviceId leads to the device; it inherits the token's policies; list, get, put", async () => {
  const user = await api.user("acme", "pc@example.com");
  const seg = await api.segment("acme", "pcs");
  const p1 = await api.post(`${WIN}/policies`, { name: "Base" });
  const p2 = await api.post(`${WIN}/policies`, { name: "Kiosk" });
  const { id, token } = await winDevice(
    { displayName: "Desk", tags: ["hq"], mdmUserId: user.id, segmentId: seg.id, winPolicyId: p1.id,
      winPolicyAssignments: [{ winPolicyId: p2.id, priority: 5 }] },
    "PC-77",
  );
  const t = await api.get(`${WIN}/enrollment-tokens/${token.id}`);
  assert.equal(t.winDeviceId, id);
  assert.equal(token.enrolledDevices, 0);
  assert.equal(token.lastEnrollmentAt, undefined);
  assert.equal(t.enrolledDevices, 1);
  assert.ok(Date.parse(t.lastEnrollmentAt) >= Date.parse(token.createdAt));
  const d = await api.get(`${WIN}/devices/${t.winDeviceId}`);
  assert.equal(d.id, id);
  assert.equal(d.type, "windows");
  assert.equal(d.subType, "device");
  assert.equal(d.state, "PROVISIONING");
  assert.equal(d.winEnrollmentTokenId, token.id);
  assert.equal(d.serialNumber, "PC-77");
  assert.deepEqual(d.deviceInfo, { serialNumber: "PC-77" });
  assert.deepEqual(d.mdmUser, { id: user.id, email: "pc@example.com" });
  assert.equal(d.segmentId, seg.id);
  assert.equal(d.displayName, "Desk");
  assert.deepEqual(d.tags, ["hq"]);
  assert.equal(d.winPolicyId, p1.id);
  assert.equal(d.winPolicyAssignments[0].winPolicy.name, "Kiosk");
  assert.deepEqual(d.stateHistory.map((s) => s.state), ["PROVISIONING"]);

  // List: the part 1 list query.
  const other = await winDevice({}, "PC-78");
  const page = await api.get(`${WIN}/devices?limit=100&sort=createdAt:asc`);
  assert.ok(page.items.some((x) => x.id === id) && page.items.some((x) => x.id === other.id));
  assert.equal(page.totalDocs, page.items.length);
  const bySeg = await api.get(`${WIN}/devices?segmentId=${seg.id}`);
  assert.deepEqual(bySeg.items.map((x) => x.id), [id]);
  const byUser = await api.get(`${WIN}/devices?mdmUserId=${user.id}`);
  assert.deepEqual(byUser.items.map((x) => x.id), [id]);
  // expandTo: a PC in a child segment is listed under its parent with children, not without.
  const child = await api.segment("acme", "pcs-child", seg.id);
  const inChild = await winDevice({ segmentId: child.id }, "PC-79");
  assert.deepEqual(
    (await api.get(`${WIN}/devices?segmentId=${seg.id}&expandTo=children&sort=createdAt:asc`)).items.map((x) => x.id),
    [id, inChild.id],
  );
  assert.deepEqual((await api.get(`${WIN}/devices?segmentId=${child.id}&expandTo=ancestors`)).items.map((x) => x.id).sort(), [id, inChild.id].sort());
  assert.deepEqual((await api.get(`${WIN}/devices?segmentId=${child.id}`)).items.map((x) => x.id), [inChild.id]);
  const onePage = await api.get(`${WIN}/devices?limit=1&page=2&sort=createdAt:asc`);
  assert.equal(onePage.items.length, 1);
  assert.equal(onePage.prevPage, 1);
  const bad = await api.call("GET", `${WIN}/devices?sort=secretHash&status=NOPE&limit=101`);
  assert.deepEqual(violations(bad).map((v) => v[0]).sort(), ["limit", "sort", "status"]);

  // PUT: every field, null unlinks the user, references checked in the organization.
  const seg2 = await api.segment("acme", "pcs-2");
  const put = await api.put(`${WIN}/devices/${id}`, {
    displayName: "Desk 2", tags: ["a", "b"], segmentId: seg2.id, mdmUserId: null, winPolicyId: p2.id,
    winPolicyAssignments: [{ winPolicyId: p1.id, priority: 0 }, { priority: 10000 }],
  });
  assert.equal(put.displayName, "Desk 2");
  assert.deepEqual(put.tags, ["a", "b"]);
  assert.equal(put.segmentId, seg2.id);
  assert.equal(put.mdmUser, undefined);
  assert.equal(put.mdmUserId, undefined);
  assert.equal(put.winPolicyId, p2.id);
  assert.deepEqual(put.winPolicyAssignments.map((a) => [a.winPolicyId, a.priority]), [[p1.id, 0], [undefined, 10000]]);
  assert.deepEqual(await api.get(`${WIN}/devices/${id}`), put);
  const relinked = await api.put(`${WIN}/devices/${id}`, { mdmUserId: user.id });
  assert.equal(relinked.mdmUser.email, "pc@example.com");
  assert.equal(relinked.displayName, "Desk 2");
  const missing = "0".repeat(24);
  assert.deepEqual(
    violations(await api.call("PUT", `${WIN}/devices/${id}`, {
      body: { displayName: "x".repeat(129), state: "ACTIVE", winPolicyAssignments: [{ priority: 10001 }, { winPolicyId: p1.id, priority: 1 }, { winPolicyId: p1.id, priority: 2 }] },
    })).sort(),
    [["displayName", "maxLength"], ["state", "unknownField"], ["winPolicyAssignments[0].priority", "max"], ["winPolicyAssignments[2].winPolicyId", "unique"]].sort(),
  );
  assert.deepEqual(
    violations(await api.call("PUT", `${WIN}/devices/${id}`, { body: { winPolicyId: missing, mdmUserId: missing, segmentId: 999999 } })).sort(),
    [["mdmUserId", "reference"], ["segmentId", "reference"], ["winPolicyId", "reference"]],
  );
});

test("windows: every move, the deleted device listed only when asked", async () => {
  const { id } = await winDevice({}, "PC-M");
  const base = `${WIN}/devices/${id}`;
  const move = (verb) => (verb === "delete" ? api.call("DELETE", base) : api.call("POST", `${base}/${verb}`));
  assertError(await move("enable"), 409, 5010);
  let r = await move("disable");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.data.state, "DISABLED");
  assertError(await move("disable"), 409, 5010);
  r = await move("enable");
  assert.equal(r.body.data.state, "ACTIVE");
  r = await move("disenroll");
  assert.equal(r.body.data.state, "PENDING_DISENROLL");
  for (const verb of ["disable", "enable", "disenroll"]) assertError(await move(verb), 409, 5010);
  r = await move("delete");
  assert.equal(r.status, 200);
  assert.equal(r.body.data.state, "DELETED");
  assert.deepEqual(r.body.data.stateHistory.map((s) => s.state), ["PROVISIONING", "DISABLED", "ACTIVE", "PENDING_DISENROLL", "DELETED"]);
  for (const verb of ["disable", "enable", "disenroll", "delete"]) assertError(await move(verb), 409, 5010);
  const live = await api.get(`${WIN}/devices?limit=100`);
  assert.ok(!live.items.some((x) => x.id === id));
  const gone = await api.get(`${WIN}/devices?status=DELETED&limit=100`);
  assert.deepEqual(gone.items.map((x) => x.id), [id]);
  const rows = await w.sql(`SELECT secret_hash FROM win_devices WHERE id = '${id}'`);
  assert.equal(rows[0].secret_hash, "");
});

test("windows: another organization's device is 404 on every route; the plan gate and permissions hold", async () => {
  const { id } = await winDevice({}, "PC-T");
  const OTHER = "/v1/organizations/other/mdm/windows/enterprise";
  assertError(await other.call("GET", `${OTHER}/devices/${id}`), 404, 3001);
  assertError(await other.call("PUT", `${OTHER}/devices/${id}`, { body: { displayName: "mine" } }), 404, 3001);
  assertError(await other.call("DELETE", `${OTHER}/devices/${id}`), 404, 3001);
  for (const verb of ["disable", "enable", "disenroll"]) {
    assertError(await other.call("POST", `${OTHER}/devices/${id}/${verb}`), 404, 3001);
  }
  assert.ok(!(await other.get(`${OTHER}/devices?limit=100`)).items.some((x) => x.id === id));
  assert.equal((await api.get(`${WIN}/devices/${id}`)).state, "PROVISIONING");
  assert.equal((await api.get(`${WIN}/devices/${id}`)).displayName, undefined);

  await api.org("cheap", "free");
  const FREE = "/v1/organizations/cheap/mdm/windows/enterprise";
  assertError(await api.call("GET", `${FREE}/devices`), 400, 5050);
  assertError(await api.call("GET", `${FREE}/devices/${id}`), 400, 5050);
  assertError(await api.call("POST", `${FREE}/devices/${id}/disable`), 400, 5050);

  const reader = client(w, w.token({ perms: ["mdm.windows.device.get", "mdm.windows.device.list"], orgs: ["acme"] }));
  assert.equal((await reader.get(`${WIN}/devices/${id}`)).id, id);
  assertError(await reader.call("POST", `${WIN}/devices/${id}/disable`), 403, 4005);
  assertError(await reader.call("DELETE", `${WIN}/devices/${id}`), 403, 4005);
  assertError(await reader.call("PUT", `${WIN}/devices/${id}`, { body: {} }), 403, 4005);
});

test("tokens: enrolledDevices and lastEnrollmentAt; the devices of a token, paginated", async () => {
  const t = await api.token("acme", { perpetual: true, displayName: "usage" });
  assert.equal(t.enrolledDevices, 0);
  assert.equal(t.lastEnrollmentAt, undefined);
  assert.equal(t.maxEnrollments, undefined);
  const ids = [];
  for (const sn of ["U-1", "U-2", "U-3"]) {
    const r = await enroll(w, t.config.oneTimeToken, sn);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.data.aosDeviceId);
  }
  const got = await api.get(`${AOSP}/enrollment-tokens/${t.id}`);
  assert.equal(got.enrolledDevices, 3);
  assert.ok(Date.parse(got.lastEnrollmentAt) >= Date.parse(t.createdAt));
  const listed = await api.get(`${AOSP}/enrollment-tokens?limit=100`);
  assert.equal(listed.items.find((x) => x.id === t.id).enrolledDevices, 3);

  const page1 = await api.get(`${AOSP}/enrollment-tokens/${t.id}/devices?limit=2&sort=createdAt:asc`);
  assert.equal(page1.totalDocs, 3);
  assert.equal(page1.totalPages, 2);
  assert.equal(page1.nextPage, 2);
  const page2 = await api.get(`${AOSP}/enrollment-tokens/${t.id}/devices?limit=2&page=2&sort=createdAt:asc`);
  assert.deepEqual([...page1.items, ...page2.items].map((d) => d.id), ids);
  // A one-time token's single device; another token's devices are not listed.
  const one = await api.token("acme", {});
  const r = await enroll(w, one.config.oneTimeToken, "U-9");
  const oneList = await api.get(`${AOSP}/enrollment-tokens/${one.id}/devices`);
  assert.deepEqual(oneList.items.map((d) => d.id), [r.body.data.aosDeviceId]);
  assert.equal((await api.get(`${AOSP}/enrollment-tokens/${one.id}`)).enrolledDevices, 1);
  // A deleted device is listed only when asked for.
  await api.del(`${AOSP}/devices/${ids[0]}`);
  assert.equal((await api.get(`${AOSP}/enrollment-tokens/${t.id}/devices`)).totalDocs, 2);
  assert.equal((await api.get(`${AOSP}/enrollment-tokens/${t.id}/devices?status=DELETED`)).totalDocs, 1);
  // Unknown, another organization's, or deleted token: 404.
  assertError(await api.call("GET", `${AOSP}/enrollment-tokens/${"0".repeat(24)}/devices`), 404, 3001);
  assertError(await other.call("GET", `/v1/organizations/other/mdm/aosp/enterprise/enrollment-tokens/${t.id}/devices`), 404, 3001);
  await api.del(`${AOSP}/enrollment-tokens/${one.id}`);
  assertError(await api.call("GET", `${AOSP}/enrollment-tokens/${one.id}/devices`), 404, 3001);
});

test("tokens: 40 concurrent enrollments on a perpetual token with maxEnrollments 3 create exactly 3 devices", async () => {
  const t = await api.token("acme", { perpetual: true, maxEnrollments: 3 });
  assert.equal(t.maxEnrollments, 3);
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => enroll(w, t.config.oneTimeToken, `CAP-${i}`)),
  );
  const wins = results.filter((r) => r.status === 201);
  assert.equal(wins.length, 3, JSON.stringify(results.map((r) => r.status)));
  for (const l of results.filter((r) => r.status !== 201)) assertError(l, 409, 5010);
  const rows = await w.sql(`SELECT count(*) AS n FROM aosp_devices WHERE enrollment_token_id = '${t.id}'`);
  assert.equal(rows[0].n, 3);
  const got = await api.get(`${AOSP}/enrollment-tokens/${t.id}`);
  assert.equal(got.enrolledDevices, 3);
  assert.equal(got.status, "PENDING");
  assertError(await enroll(w, t.config.oneTimeToken, "CAP-late"), 409, 5010);
  // The cap is a perpetual token's, 1 to 100000.
  assert.deepEqual(violations(await api.call("POST", `${AOSP}/enrollment-tokens`, { body: { maxEnrollments: 3 } })), [["maxEnrollments", "dependency"]]);
  assert.deepEqual(violations(await api.call("POST", `${AOSP}/enrollment-tokens`, { body: { perpetual: true, maxEnrollments: 0 } })), [["maxEnrollments", "min"]]);
  assert.deepEqual(violations(await api.call("POST", `${AOSP}/enrollment-tokens`, { body: { perpetual: true, maxEnrollments: 100001 } })), [["maxEnrollments", "max"]]);
});
