// Supporting resources, complete: GET|PUT|DELETE of segments, MDM users,
// AOSP policies, Windows policies and DPC builds. PUT is a partial update
// (every violation listed, unknown fields refused); a re-parent never makes
// a cycle; an AOSP or Windows policy's version goes up with each change;
// DELETE of something still referred to is 409 / 5012 counting the
// referrers by kind, and deletes once nothing counts; another
// organization's id is a 404. And Google-compatible tokens' maxEnrollments,
// enforced by the atomic claim under concurrent enrollments.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, enroll, assertError, violations, SIGNATURE } from "./lib/fixtures.mjs";

const ORG = "/v1/organizations/acme";
const AOSP = `${ORG}/mdm/aosp/enterprise`;
const WIN = `${ORG}/mdm/windows/enterprise`;
let w, api;
before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  await api.org("acme");
  await api.org("other");
});
after(async () => {
  await w?.stop();
});

/** The details of a 409 / 5012, as {kind: count}. */
function inUse(r) {
  assertError(r, 409, 5012);
  assert.equal(r.body.error.message, "Entity in use");
  for (const d of r.body.error.details) assert.ok(Number.isInteger(d.count) && d.count > 0, JSON.stringify(d));
  return Object.fromEntries(r.body.error.details.map((d) => [d.kind, d.count]));
}

const winPolicy = (org, name) => api.post(`/v1/organizations/${org}/mdm/windows/enterprise/policies`, { name });

test("segments: get, rename, re-parent, make a root; every violation listed, unknown fields refused", async () => {
  const root = await api.segment("acme", "Root");
  const eu = await api.segment("acme", "EU", root.id);
  assert.deepEqual(await api.get(`${ORG}/segments/${eu.id}`), eu);
  const renamed = await api.put(`${ORG}/segments/${eu.id}`, { name: "Europe" });
  assert.equal(renamed.name, "Europe");
  assert.equal(renamed.parentId, root.id, "an absent parentId stays");
  const other = await api.segment("acme", "Other");
  assert.equal((await api.put(`${ORG}/segments/${eu.id}`, { parentId: other.id })).parentId, other.id);
  const rooted = await api.put(`${ORG}/segments/${eu.id}`, { parentId: null });
  assert.equal(rooted.parentId, null);
  assert.equal(rooted.name, "Europe");
  const bad = await api.call("PUT", `${ORG}/segments/${eu.id}`, { body: { name: "", parentId: "x", id: 1 } });
  assert.deepEqual(violations(bad), [
    ["name", "minLength"],
    ["parentId", "type"],
    ["id", "unknownField"],
  ]);
  const missing = await api.call("PUT", `${ORG}/segments/${eu.id}`, { body: { parentId: 999999 } });
  assert.deepEqual(violations(missing), [["parentId", "reference"]]);
  const malformed = await api.call("GET", `${ORG}/segments/abc`);
  assert.deepEqual(violations(malformed), [["segmentId", "pattern"]]);
  assertError(await api.call("GET", `${ORG}/segments/999999`), 404, 3001);
  assertError(await api.call("PUT", `${ORG}/segments/999999`, { body: { name: "x" } }), 404, 3001);
});

test("segments: a parent that is the segment itself or a descendant is refused, and nothing changes", async () => {
  const a = await api.segment("acme", "A");
  const b = await api.segment("acme", "B", a.id);
  const c = await api.segment("acme", "C", b.id);
  for (const parentId of [a.id, b.id, c.id]) {
    const r = await api.call("PUT", `${ORG}/segments/${a.id}`, { body: { parentId, name: "A2" } });
    assert.deepEqual(violations(r), [["parentId", "reference"]], `parent ${parentId}`);
    assert.match(r.body.error.details[0].message, /cycle/);
  }
  assert.deepEqual(await api.get(`${ORG}/segments/${a.id}`), a, "a refused PUT writes nothing");
  // A segment of another organization is not a parent here either.
  const foreign = await api.segment("other", "Foreign");
  assert.deepEqual(violations(await api.call("PUT", `${ORG}/segments/${c.id}`, { body: { parentId: foreign.id } })), [
    ["parentId", "reference"],
  ]);
  // Moving a leaf under a sibling branch is fine.
  const d = await api.segment("acme", "D", a.id);
  assert.equal((await api.put(`${ORG}/segments/${c.id}`, { parentId: d.id })).parentId, d.id);
});

test("segments: two concurrent re-parents cannot close a loop", async () => {
  for (let round = 0; round < 5; round++) {
    const x = await api.segment("acme", `X${round}`);
    const y = await api.segment("acme", `Y${round}`);
    const [r1, r2] = await Promise.all([
      api.call("PUT", `${ORG}/segments/${x.id}`, { body: { parentId: y.id } }),
      api.call("PUT", `${ORG}/segments/${y.id}`, { body: { parentId: x.id } }),
    ]);
    const statuses = [r1.status, r2.status].sort();
    assert.deepEqual(statuses, [200, 400], JSON.stringify([r1.body, r2.body]));
    const xs = await api.get(`${ORG}/segments/${x.id}`);
    const ys = await api.get(`${ORG}/segments/${y.id}`);
    assert.ok(!(xs.parentId === y.id && ys.parentId === x.id), "a cycle was written");
  }
});

test("segments: delete while child segments, policies, tokens or devices refer to it is 409 / 5012 with the counts", async () => {
  const s = await api.segment("acme", "Busy");
  const child = await api.segment("acme", "Child", s.id);
  const policy = await api.post(`${AOSP}/policies`, { name: "scoped", segmentId: s.id });
  const t1 = await api.token("acme", { segmentId: s.id, perpetual: true });
  await api.token("acme", { segmentId: s.id });
  const device = (await enroll(w, t1.config.oneTimeToken, "SEG-1")).body.data;
  const wt = await api.post(`${WIN}/enrollment-tokens`, { segmentId: s.id });
  let r = await api.call("DELETE", `${ORG}/segments/${s.id}`);
  assert.deepEqual(inUse(r), {
    segments: 1,
    aospPolicies: 1,
    aospEnrollmentTokens: 2,
    aospDevices: 1,
    winEnrollmentTokens: 1,
  });
  assert.deepEqual(await api.get(`${ORG}/segments/${s.id}`), s, "still there");
  // Take the referrers away one by one: DELETED tokens and devices do not count.
  await api.del(`${ORG}/segments/${child.id}`);
  await api.put(`${AOSP}/policies/${policy.id}`, { segmentId: null });
  for (const t of (await api.get(`${AOSP}/enrollment-tokens?segmentId=${s.id}&limit=100`)).items) {
    await api.del(`${AOSP}/enrollment-tokens/${t.id}`);
  }
  await api.del(`${WIN}/enrollment-tokens/${wt.id}`);
  r = await api.call("DELETE", `${ORG}/segments/${s.id}`);
  assert.deepEqual(inUse(r), { aospDevices: 1 });
  await api.del(`${AOSP}/devices/${device.aosDeviceId}`);
  const deleted = await api.del(`${ORG}/segments/${s.id}`);
  assert.equal(deleted.id, s.id);
  assertError(await api.call("GET", `${ORG}/segments/${s.id}`), 404, 3001);
  assertError(await api.call("DELETE", `${ORG}/segments/${s.id}`), 404, 3001);
  // The deleted device is still readable, now without the segment.
  const kept = await api.get(`${AOSP}/devices/${device.aosDeviceId}`);
  assert.equal(kept.state, "DELETED");
  assert.ok(kept.segmentId === null || kept.segmentId === undefined, JSON.stringify(kept.segmentId));
});

test("mdm users: get, update (email unique), delete in use and not in use", async () => {
  const u = await api.user("acme", "ada@example.com");
  await api.user("acme", "bob@example.com");
  assert.deepEqual(await api.get(`${ORG}/mdm-users/${u.id}`), u);
  const named = await api.put(`${ORG}/mdm-users/${u.id}`, { displayName: "Ada L." });
  assert.equal(named.displayName, "Ada L.");
  assert.equal(named.email, "ada@example.com");
  const cleared = await api.put(`${ORG}/mdm-users/${u.id}`, { displayName: null });
  assert.equal(cleared.displayName, undefined);
  const dup = await api.call("PUT", `${ORG}/mdm-users/${u.id}`, { body: { email: "BOB@example.com" } });
  assert.deepEqual(violations(dup), [["email", "unique"]]);
  assert.deepEqual(violations(await api.call("PUT", `${ORG}/mdm-users/${u.id}`, { body: { email: "x", role: 1 } })), [
    ["email", "format"],
    ["role", "unknownField"],
  ]);
  const t = await api.token("acme", { mdmUserId: u.id, perpetual: true });
  await enroll(w, t.config.oneTimeToken, "USER-1");
  await enroll(w, t.config.oneTimeToken, "USER-2");
  await api.post(`${WIN}/enrollment-tokens`, { mdmUserId: u.id });
  assert.deepEqual(inUse(await api.call("DELETE", `${ORG}/mdm-users/${u.id}`)), {
    aospEnrollmentTokens: 1,
    aospDevices: 2,
    winEnrollmentTokens: 1,
  });
  const free = await api.user("acme", "carol@example.com");
  assert.equal((await api.del(`${ORG}/mdm-users/${free.id}`)).email, "carol@example.com");
  assertError(await api.call("GET", `${ORG}/mdm-users/${free.id}`), 404, 3001);
});

test("aosp policies: every change bumps the version, a PUT that changes nothing does not", async () => {
  const p = await api.policy("acme", "Kiosk", { kiosk: true }, 4);
  assert.equal(p.version, 4);
  assert.deepEqual(await api.get(`${AOSP}/policies/${p.id}`), p);
  const v5 = await api.put(`${AOSP}/policies/${p.id}`, { name: "Kiosk 2" });
  assert.equal(v5.version, 5);
  assert.equal(v5.name, "Kiosk 2");
  assert.deepEqual(v5.config, { kiosk: true }, "absent config stays");
  const v6 = await api.put(`${AOSP}/policies/${p.id}`, { config: { kiosk: false, camera: "off" }, private: true });
  assert.equal(v6.version, 6);
  assert.deepEqual(v6.config, { camera: "off", kiosk: false });
  assert.equal(v6.private, true);
  const same = await api.put(`${AOSP}/policies/${p.id}`, { name: "Kiosk 2", private: true });
  assert.equal(same.version, 6, "nothing changed, no new version");
  assert.equal((await api.put(`${AOSP}/policies/${p.id}`, {})).version, 6);
  const seg = await api.segment("acme", "Policy scope");
  const scoped = await api.put(`${AOSP}/policies/${p.id}`, { segmentId: seg.id, description: "d" });
  assert.equal(scoped.version, 7);
  assert.equal(scoped.segmentId, seg.id);
  assert.deepEqual(violations(await api.call("PUT", `${AOSP}/policies/${p.id}`, { body: { segmentId: 999999 } })), [
    ["segmentId", "reference"],
  ]);
  assert.deepEqual(
    violations(await api.call("PUT", `${AOSP}/policies/${p.id}`, { body: { version: 9, config: [], name: "" } })),
    [
      ["name", "minLength"],
      ["config", "type"],
      ["version", "unknownField"],
    ],
  );
  assert.equal((await api.get(`${AOSP}/policies/${p.id}`)).version, 7, "refused PUTs write nothing");
  // A create may start at the largest safe version; a change keeps it there
  // rather than answering 2^53, past the schema's maximum (found by schemathesis).
  const top = await api.policy("acme", "Top", {}, Number.MAX_SAFE_INTEGER);
  const changed = await api.put(`${AOSP}/policies/${top.id}`, { name: "Top 2" });
  assert.equal(changed.name, "Top 2");
  assert.equal(changed.version, Number.MAX_SAFE_INTEGER);
  assert.equal((await api.get(`${AOSP}/policies/${top.id}`)).version, Number.MAX_SAFE_INTEGER);
});

test("aosp policies: delete while tokens or devices have it assigned is 409 / 5012; unassigned it goes", async () => {
  const p = await api.policy("acme", "Assigned");
  const t = await api.token("acme", { aosPolicyAssignments: [{ aosPolicyId: p.id, priority: 1 }], perpetual: true });
  const d = (await enroll(w, t.config.oneTimeToken, "POL-1")).body.data;
  const direct = await api.token("acme", {});
  const d2 = (await enroll(w, direct.config.oneTimeToken, "POL-2")).body.data;
  await api.put(`${AOSP}/devices/${d2.aosDeviceId}`, { policyId: p.id });
  assert.deepEqual(inUse(await api.call("DELETE", `${AOSP}/policies/${p.id}`)), {
    aospEnrollmentTokens: 1,
    aospDevices: 2,
  });
  await api.del(`${AOSP}/enrollment-tokens/${t.id}`);
  await api.put(`${AOSP}/devices/${d.aosDeviceId}`, { aosPolicyAssignments: [] });
  assert.deepEqual(inUse(await api.call("DELETE", `${AOSP}/policies/${p.id}`)), { aospDevices: 1 });
  await api.del(`${AOSP}/devices/${d2.aosDeviceId}`);
  assert.equal((await api.del(`${AOSP}/policies/${p.id}`)).id, p.id);
  assertError(await api.call("GET", `${AOSP}/policies/${p.id}`), 404, 3001);
});

test("windows policies: get, partial update with a version bump, delete in use and not in use", async () => {
  const p = await api.post(`${WIN}/policies`, { name: "Office", scripts: [{ type: "once", name: "a" }], config: { x: 1 } });
  assert.equal(p.version, 1);
  assert.deepEqual(await api.get(`${WIN}/policies/${p.id}`), p);
  const v2 = await api.put(`${WIN}/policies/${p.id}`, {
    scripts: [],
    agentConfiguration: { enabled: true },
  });
  assert.equal(v2.version, 2);
  assert.deepEqual(v2.scripts, []);
  assert.deepEqual(v2.config, { x: 1 }, "absent parts stay");
  assert.deepEqual(v2.agentConfiguration, { enabled: true });
  const v3 = await api.put(`${WIN}/policies/${p.id}`, { agentConfiguration: null, name: "Office PCs" });
  assert.equal(v3.version, 3);
  assert.equal(v3.agentConfiguration, undefined);
  assert.equal(v3.name, "Office PCs");
  assert.equal((await api.put(`${WIN}/policies/${p.id}`, { name: "Office PCs", scripts: [] })).version, 3);
  assert.deepEqual(violations(await api.call("PUT", `${WIN}/policies/${p.id}`, { body: { version: 1, assets: 1 } })), [
    ["assets", "type"],
    ["version", "unknownField"],
  ]);

  const wt = await api.post(`${WIN}/enrollment-tokens`, { winPolicyId: p.id });
  const assigned = await api.post(`${WIN}/enrollment-tokens`, { winPolicyAssignments: [{ winPolicyId: p.id, priority: 2 }] });
  const pc = await call(w, "POST", "/v1/enroll/windows", { body: { enrollCode: wt.enrollCode, device: { serialNumber: "WP-1" } } });
  assert.equal(pc.status, 201, JSON.stringify(pc.body));
  assert.deepEqual(inUse(await api.call("DELETE", `${WIN}/policies/${p.id}`)), {
    winEnrollmentTokens: 2,
    winDevices: 1,
  });
  await api.del(`${WIN}/enrollment-tokens/${wt.id}`);
  await api.del(`${WIN}/enrollment-tokens/${assigned.id}`);
  await api.del(`${WIN}/devices/${pc.body.data.id}`);
  assert.equal((await api.del(`${WIN}/policies/${p.id}`)).id, p.id);
  assertError(await api.call("GET", `${WIN}/policies/${p.id}`), 404, 3001);
  // The deleted PC and token are still readable (the PC by id), without the policy.
  const kept = await api.get(`${WIN}/devices/${pc.body.data.id}`);
  assert.equal(kept.state, "DELETED");
});

test("windows policies: on plan free every one of these routes is 400 / 5050", async () => {
  await api.org("freeorg", "free");
  for (const [method, body] of [["GET"], ["PUT", {}], ["DELETE"]]) {
    const r = await api.call(method, `/v1/organizations/freeorg/mdm/windows/enterprise/policies/000000000000000000000001`, { body });
    assertError(r, 400, 5050);
  }
});

test("dpc builds: get, update (tag unique), delete while tokens name its tag", async () => {
  const b = await api.build("acme", "stable");
  await api.build("acme", "beta");
  assert.deepEqual(await api.get(`${AOSP}/dpc-builds/${b.id}`), b);
  const moved = await api.put(`${AOSP}/dpc-builds/${b.id}`, { downloadUrl: "https://dl.example.com/v2.apk", versionCode: 7 });
  assert.equal(moved.downloadUrl, "https://dl.example.com/v2.apk");
  assert.equal(moved.versionCode, 7);
  assert.equal(moved.tag, "stable");
  assert.equal((await api.put(`${AOSP}/dpc-builds/${b.id}`, { versionCode: null })).versionCode, undefined);
  assert.deepEqual(violations(await api.call("PUT", `${AOSP}/dpc-builds/${b.id}`, { body: { tag: "beta" } })), [
    ["tag", "unique"],
  ]);
  assert.deepEqual(
    violations(
      await api.call("PUT", `${AOSP}/dpc-builds/${b.id}`, {
        body: { downloadUrl: "ftp://x", signatureChecksum: "no", componentName: "bad", extra: 1 },
      }),
    ),
    [
      ["downloadUrl", "format"],
      ["signatureChecksum", "pattern"],
      ["componentName", "pattern"],
      ["extra", "unknownField"],
    ],
  );
  const t = await api.token("acme", { dpcBuildTag: "stable" });
  assert.deepEqual(inUse(await api.call("DELETE", `${AOSP}/dpc-builds/${b.id}`)), { aospEnrollmentTokens: 1 });
  await api.del(`${AOSP}/enrollment-tokens/${t.id}`);
  assert.equal((await api.del(`${AOSP}/dpc-builds/${b.id}`)).id, b.id);
  assertError(await api.call("GET", `${AOSP}/dpc-builds/${b.id}`), 404, 3001);
  // The signature in the fixture is the one a build needs.
  assert.equal(b.signatureChecksum, SIGNATURE);
});

test("tenancy: another organization's ids are 404 for GET, PUT and DELETE, and stay untouched", async () => {
  const seg = await api.segment("other", "Theirs");
  const user = await api.user("other", "theirs@example.com");
  const policy = await api.policy("other", "Theirs");
  const build = await api.build("other", "theirs");
  const wp = await winPolicy("other", "Theirs");
  const cases = [
    [`segments/${seg.id}`, { name: "mine" }, `/v1/organizations/other/segments/${seg.id}`, seg],
    [`mdm-users/${user.id}`, { displayName: "mine" }, `/v1/organizations/other/mdm-users/${user.id}`, user],
    [`mdm/aosp/enterprise/policies/${policy.id}`, { name: "mine" }, `/v1/organizations/other/mdm/aosp/enterprise/policies/${policy.id}`, policy],
    [`mdm/aosp/enterprise/dpc-builds/${build.id}`, { tag: "mine" }, `/v1/organizations/other/mdm/aosp/enterprise/dpc-builds/${build.id}`, build],
    [`mdm/windows/enterprise/policies/${wp.id}`, { name: "mine" }, `/v1/organizations/other/mdm/windows/enterprise/policies/${wp.id}`, wp],
  ];
  for (const [rest, body, theirs, original] of cases) {
    assertError(await api.call("GET", `${ORG}/${rest}`), 404, 3001);
    assertError(await api.call("PUT", `${ORG}/${rest}`, { body }), 404, 3001);
    assertError(await api.call("DELETE", `${ORG}/${rest}`), 404, 3001);
    assert.deepEqual(await api.get(theirs), original, rest);
  }
  // A token limited to acme cannot reach other's resources even by other's path.
  const acmeOnly = client(w, w.token({ orgs: ["acme"] }));
  assertError(await acmeOnly.call("GET", `/v1/organizations/other/segments/${seg.id}`), 404, 3001);
});

test("a delete racing a new referrer: either the delete wins or the referrer does, never a dangling reference", async () => {
  for (let round = 0; round < 5; round++) {
    const u = await api.user("acme", `race${round}@example.com`);
    const [del, tok] = await Promise.all([
      api.call("DELETE", `${ORG}/mdm-users/${u.id}`),
      api.call("POST", `${AOSP}/enrollment-tokens`, { body: { mdmUserId: u.id } }),
    ]);
    if (del.status === 200) {
      // The token create checks its references before its INSERT; losing the
      // race there, its INSERT is refused by the foreign key, never written.
      assert.notEqual(tok.status, 201, "a token was created for a deleted user");
      const dangling = await w.sql(`SELECT count(*) AS n FROM aosp_enrollment_tokens WHERE mdm_user_id = '${u.id}'`);
      assert.equal(dangling[0].n, 0);
    } else {
      assert.deepEqual(inUse(del), { aospEnrollmentTokens: 1 });
      assert.equal(tok.status, 201);
    }
  }
});

test("google tokens: maxEnrollments is validated, shown, and 20 concurrent enrollments with maxEnrollments 3 give exactly 3 devices", async () => {
  const org = await api.get("/v1/organizations?limit=100");
  const enterpriseId = org.items.find((o) => o.slug === "acme").enterpriseId;
  const base = `/v1/enterprises/${enterpriseId}/enrollmentTokens`;
  const token = w.token();
  const bad = await call(w, "POST", base, { token, body: { maxEnrollments: 0 } });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  assert.equal(bad.body.error.status, "INVALID_ARGUMENT");
  assert.equal(bad.body.error.details[0].fieldViolations[0].field, "maxEnrollments");
  const tooMany = await call(w, "POST", base, { token, body: { maxEnrollments: 100001 } });
  assert.equal(tooMany.status, 400);
  const created = await call(w, "POST", base, { token, body: { maxEnrollments: 3, duration: "3600s" } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.equal(created.body.maxEnrollments, 3);
  assert.equal(created.body.enrolledDevices, 0);
  assert.equal(created.body.lastEnrollmentAt, undefined);
  const id = created.body.name.split("/").pop();
  assert.equal((await call(w, "GET", `${base}/${id}`, { token })).body.maxEnrollments, 3);
  const uncapped = await call(w, "POST", base, { token, body: {} });
  assert.equal(uncapped.body.maxEnrollments, undefined);

  const before = (await w.sql("SELECT count(*) AS n FROM aosp_devices"))[0].n;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => enroll(w, created.body.value, `GCAP-${i}`)),
  );
  const wins = results.filter((r) => r.status === 201);
  assert.equal(wins.length, 3, JSON.stringify(results.map((r) => r.status)));
  for (const r of results.filter((r) => r.status !== 201)) assertError(r, 409, 5010);
  const afterCount = (await w.sql("SELECT count(*) AS n FROM aosp_devices"))[0].n;
  assert.equal(afterCount - before, 3);
  const stored = await w.sql(`SELECT enrolled_count AS n FROM google_enrollment_tokens WHERE id = '${id}'`);
  assert.equal(stored[0].n, 3);
  // Still listed and got, with its usage; it enrolls nothing more.
  const got = await call(w, "GET", `${base}/${id}`, { token });
  assert.equal(got.status, 200);
  assert.equal(got.body.enrolledDevices, 3);
  const enrolledDates = wins.map((r) => Date.parse(r.body.data.enrolledDate));
  assert.equal(Date.parse(got.body.lastEnrollmentAt), Math.max(...enrolledDates));
  const listed = await call(w, "GET", `${base}?pageSize=100`, { token });
  const inList = listed.body.enrollmentTokens.find((t) => t.name === created.body.name);
  assert.equal(inList.enrolledDevices, 3);
  assert.equal(inList.lastEnrollmentAt, got.body.lastEnrollmentAt);
  const unused = listed.body.enrollmentTokens.find((t) => t.name === uncapped.body.name);
  assert.equal(unused.enrolledDevices, 0);
  assert.equal(unused.lastEnrollmentAt, undefined);
  assertError(await enroll(w, created.body.value, "GCAP-late"), 409, 5010);
});
