// Supporting admin resources (organizations, segments, MDM users, AOSP
// policies, DPC builds), the list options every list shares (pagination, sort
// whitelist, segment expansion), and validation with every violation listed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, assertError, violations } from "./lib/fixtures.mjs";

let w, api, org, seg;
before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  org = await api.org("acme");
  // root ─┬─ eu ── de
  //       └─ us
  seg = {};
  seg.root = await api.segment("acme", "root");
  seg.eu = await api.segment("acme", "eu", seg.root.id);
  seg.de = await api.segment("acme", "de", seg.eu.id);
  seg.us = await api.segment("acme", "us", seg.root.id);
});
after(async () => {
  await w?.stop();
});

test("organizations: create gives enterprise ids; the id or the slug addresses it", async () => {
  assert.match(org.id, /^[0-9a-f]{24}$/);
  assert.equal(org.slug, "acme");
  assert.equal(org.plan, "enterprise");
  assert.match(org.aosEnterpriseId, /^[0-9a-f]{24}$/);
  assert.match(org.winEnterpriseId, /^[0-9a-f]{24}$/);
  assert.equal(org.enterpriseId, org.id);
  const free = await api.post("/v1/organizations", { name: "Free", slug: "freebie" });
  assert.equal(free.plan, "free");
  for (const ref of [org.id, org.id.toUpperCase(), "acme", "ACME"]) {
    const page = await api.get(`/v1/organizations/${ref}/segments`);
    assert.equal(page.totalDocs, 4, ref);
  }
});

test("organizations: slug unique, validation lists every violation", async () => {
  assert.deepEqual(violations(await api.call("POST", "/v1/organizations", { body: { name: "x", slug: "acme" } })), [
    ["slug", "unique"],
  ]);
  const got = violations(await api.call("POST", "/v1/organizations", { body: { slug: "A", plan: "gold", extra: 1 } }));
  assert.deepEqual(got.sort(), [
    ["extra", "unknownField"],
    ["name", "required"],
    ["plan", "enum"],
    ["slug", "pattern"],
  ]);
});

test("organizations: the list shows only what the orgs claim can see", async () => {
  await api.org("other-co");
  const all = await api.get("/v1/organizations?limit=100");
  assert.ok(all.totalDocs >= 3);
  const mine = client(w, w.token({ orgs: ["ACME", org.id], perms: ["admin.organization.list"] }));
  const page = await mine.get("/v1/organizations");
  assert.deepEqual(page.items.map((o) => o.slug), ["acme"]);
  const none = client(w, w.token({ orgs: [], perms: ["admin.*"] }));
  assert.equal((await none.get("/v1/organizations")).totalDocs, 0);
  // An organization outside the claim is a 404, like an unknown one.
  assertError(await none.call("GET", "/v1/organizations/acme/segments"), 404, 3001);
  assertError(await api.call("GET", "/v1/organizations/no-such-org/segments"), 404, 3001);
  assert.deepEqual(violations(await api.call("GET", "/v1/organizations/a_b/segments")), [["organizationId", "pattern"]]);
});

test("admin permissions: 4005 without, wildcards grant", async () => {
  const listOnly = client(w, w.token({ perms: ["admin.segment.list"] }));
  assertError(await listOnly.call("POST", "/v1/organizations/acme/segments", { body: { name: "x" } }), 403, 4005);
  await listOnly.get("/v1/organizations/acme/segments");
  assertError(await listOnly.call("POST", "/v1/organizations", { body: { name: "x", slug: "xyz" } }), 403, 4005);
  const wild = client(w, w.token({ perms: ["admin.*"] }));
  await wild.user("acme", "wild@example.com");
  assertError(await call(w, "GET", "/v1/organizations/acme/segments"), 401, 4002);
});

test("segments: parentId must exist in the organization", async () => {
  assert.equal(seg.eu.parentId, seg.root.id);
  assert.equal(seg.root.parentId, null);
  assert.deepEqual(violations(await api.call("POST", "/v1/organizations/acme/segments", { body: { name: "x", parentId: 99999 } })), [
    ["parentId", "reference"],
  ]);
  const otherRoot = await api.segment("other-co", "other-root");
  assert.deepEqual(
    violations(await api.call("POST", "/v1/organizations/acme/segments", { body: { name: "x", parentId: otherRoot.id } })),
    [["parentId", "reference"]],
  );
});

test("MDM users: email unique per organization, format checked", async () => {
  const u = await api.user("acme", "ada@example.com");
  assert.match(u.id, /^[0-9a-f]{24}$/);
  assert.deepEqual(violations(await api.call("POST", "/v1/organizations/acme/mdm-users", { body: { email: "ADA@example.com" } })), [
    ["email", "unique"],
  ]);
  // Same email in another organization is fine.
  await api.user("other-co", "ada@example.com");
  assert.deepEqual(violations(await api.call("POST", "/v1/organizations/acme/mdm-users", { body: { email: "nope" } })), [
    ["email", "format"],
  ]);
});

test("AOSP policies and DPC builds: create and list", async () => {
  const p = await api.policy("acme", "Kiosk", { kiosk: true }, 3);
  assert.equal(p.aosEnterpriseId, org.aosEnterpriseId);
  assert.deepEqual(p.config, { kiosk: true });
  assert.equal(p.version, 3);
  const segPolicy = await api.post("/v1/organizations/acme/mdm/aosp/enterprise/policies", { name: "S", segmentId: seg.eu.id });
  assert.equal(segPolicy.segmentId, seg.eu.id);
  assert.deepEqual(
    violations(await api.call("POST", "/v1/organizations/acme/mdm/aosp/enterprise/policies", { body: { name: "S", segmentId: 4242 } })),
    [["segmentId", "reference"]],
  );
  const b = await api.build("acme", "stable");
  assert.equal(b.tag, "stable");
  assert.deepEqual(violations(await api.call("POST", "/v1/organizations/acme/mdm/aosp/enterprise/dpc-builds", {
    body: { tag: "stable", downloadUrl: "https://x.example.com/a.apk", signatureChecksum: b.signatureChecksum, componentName: b.componentName },
  })), [["tag", "unique"]]);
  const bad = violations(await api.call("POST", "/v1/organizations/acme/mdm/aosp/enterprise/dpc-builds", {
    body: { tag: "", downloadUrl: "ftp://x", signatureChecksum: "!", componentName: "nope" },
  }));
  assert.ok(bad.length >= 4, JSON.stringify(bad));
  const policies = await api.get("/v1/organizations/acme/mdm/aosp/enterprise/policies?sort=name:asc");
  assert.deepEqual(policies.items.map((x) => x.name), ["Kiosk", "S"]);
  const builds = await api.get("/v1/organizations/acme/mdm/aosp/enterprise/dpc-builds");
  assert.equal(builds.totalDocs, 1);
});

test("pagination: limit 0, past the end, prev/next, sort whitelist", async () => {
  for (let i = 0; i < 5; i++) await api.user("acme", `page${i}@example.com`);
  const base = "/v1/organizations/acme/mdm-users";
  const total = (await api.get(`${base}?limit=0`)).totalDocs;
  const counts = await api.get(`${base}?limit=0`);
  assert.deepEqual(counts.items, []);
  assert.equal(counts.limit, 0);
  assert.equal(counts.totalPages, 1);
  assert.equal(counts.prevPage, null);
  assert.equal(counts.nextPage, null);

  const p1 = await api.get(`${base}?limit=2&sort=email:asc`);
  assert.equal(p1.items.length, 2);
  assert.equal(p1.page, 1);
  assert.equal(p1.totalPages, Math.ceil(total / 2));
  assert.equal(p1.hasPrevPage, false);
  assert.equal(p1.prevPage, null);
  assert.equal(p1.nextPage, 2);
  const emails = p1.items.map((u) => u.email);
  assert.deepEqual(emails, [...emails].sort());

  const last = await api.get(`${base}?limit=2&page=${p1.totalPages}`);
  assert.equal(last.nextPage, null);
  assert.equal(last.hasNextPage, false);
  assert.equal(last.prevPage, p1.totalPages - 1);

  const past = await api.get(`${base}?limit=2&page=999`);
  assert.deepEqual(past.items, []);
  assert.equal(past.page, 999);
  assert.equal(past.totalDocs, total);

  // Every user exactly once across pages (stable order with the id tie-break).
  const seen = new Set();
  for (let page = 1; page <= p1.totalPages; page++) {
    for (const u of (await api.get(`${base}?limit=2&page=${page}&sort=createdAt`)).items) seen.add(u.id);
  }
  assert.equal(seen.size, total);

  assert.deepEqual(violations(await api.call("GET", `${base}?sort=password`)), [["sort", "enum"]]);
  assert.deepEqual(violations(await api.call("GET", `${base}?sort=email;drop`)), [["sort", "pattern"]]);
  assert.deepEqual(violations(await api.call("GET", `${base}?limit=101&page=0&bogus=1`)), [
    ["limit", "max"],
    ["page", "min"],
    ["bogus", "unknownField"],
  ]);
});

test("segment list sorts by id and name", async () => {
  const byId = await api.get("/v1/organizations/acme/segments?sort=id:asc&limit=100");
  const ids = byId.items.map((s) => s.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
});

test("organizations: a platform operator renames one and changes its plan; a tenant admin cannot", async () => {
  const o = await api.post("/v1/organizations", { name: "Upgrade me", slug: "upgrade-me" });
  const winTokens = "/v1/organizations/upgrade-me/mdm/windows/enterprise/enrollment-tokens";
  assertError(await api.call("GET", winTokens), 400, 5050);

  const tenantAdmin = w.token({ orgs: ["upgrade-me"], perms: ["admin.*", "mdm.*"] });
  const denied = await call(w, "PUT", "/v1/organizations/upgrade-me", { token: tenantAdmin, body: { plan: "enterprise" } });
  assertError(denied, 403, 4005);

  const platform = w.token({ orgs: ["*"], perms: ["platform.organization.update"] });
  const r = await call(w, "PUT", `/v1/organizations/${o.id}`, { token: platform, body: { name: "Upgraded", plan: "pro" } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.data.name, "Upgraded");
  assert.equal(r.body.data.plan, "pro");
  assert.equal(r.body.data.slug, "upgrade-me");
  assert.ok(r.body.data.updatedAt > o.updatedAt);
  // The new plan applies from the next request on.
  assert.equal((await api.call("GET", winTokens)).status, 200);
  // Absent fields stay; every violation is listed.
  const same = await call(w, "PUT", "/v1/organizations/upgrade-me", { token: platform, body: {} });
  assert.equal(same.body.data.name, "Upgraded");
  const bad = await call(w, "PUT", "/v1/organizations/upgrade-me", {
    token: platform,
    body: { name: "", plan: "gold", slug: "x" },
  });
  assert.deepEqual(violations(bad), [["name", "minLength"], ["plan", "enum"], ["slug", "unknownField"]]);
});
