// Identity and access over HTTP: API keys, members and roles, platform
// operators, GET /v1/me, and the HS256 secret's minimum length.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, assertError } from "./lib/fixtures.mjs";
import { mintToken } from "../../scripts/mint-token.mjs";

let w;
let root; // HS256, every organization, every permission (a platform operator)
let orgA;
let orgB;

before(async () => {
  w = await startWorker();
  root = client(w, w.token({ sub: "root" }));
  orgA = await root.org("ident-a");
  orgB = await root.org("ident-b");
});
after(async () => {
  await w?.stop();
});

/** An API key of `org` holding `permissions`, created by the platform token. */
async function key(org, permissions, extra = {}) {
  return root.post(`/v1/organizations/${org}/api-keys`, { name: `key for ${permissions.length} permissions`, permissions, ...extra });
}

const tokenPath = (org) => `/v1/organizations/${org}/mdm/aosp/enterprise/enrollment-tokens`;

test("an API key is shown once, stored hashed, listed without its secret, and works as a bearer", async () => {
  const k = await key("ident-a", ["mdm.aosp.*", "admin.apiKey.list"]);
  assert.match(k.key, /^mdme_[A-Za-z0-9_-]{32,}$/);
  assert.ok(k.key.startsWith(k.prefix) && k.prefix.length < k.key.length);
  assert.deepEqual(k.permissions.slice().sort(), k.permissions.filter((p) => p.startsWith("mdm.aosp.") || p === "admin.apiKey.list").sort());
  assert.ok(k.permissions.includes("mdm.aosp.enrollmentToken.create"));
  assert.equal(k.lastUsedAt, null);
  assert.equal(k.expiresAt, null);

  const rows = await w.sql(`SELECT key_hash, prefix FROM api_keys WHERE id = '${k.id}'`);
  assert.equal(rows.length, 1);
  assert.match(rows[0].key_hash, /^[0-9a-f]{64}$/);
  const dump = JSON.stringify(await w.sql("SELECT * FROM api_keys"));
  assert.ok(!dump.includes(k.key), "the key is not stored");

  const withKey = client(w, k.key);
  const created = await withKey.token("ident-a", { duration: 600 });
  assert.equal(created.organizationId, orgA.id);
  const listed = await withKey.get("/v1/organizations/ident-a/api-keys");
  const mine = listed.items.find((i) => i.id === k.id);
  assert.ok(mine, "listed");
  assert.equal(mine.key, undefined, "never the key in a list");
  assert.ok(mine.lastUsedAt, "lastUsedAt set by the use");
  assert.ok(!JSON.stringify(listed).includes(k.key));

  const me = await withKey.get("/v1/me");
  assert.equal(me.via, "apiKey");
  assert.equal(me.subject, `apiKey:${k.id}`);
  assert.deepEqual(me.organizations.map((o) => o.slug), ["ident-a"]);
});

test("lastUsedAt is written at most once a minute", async () => {
  const k = await key("ident-a", ["mdm.aosp.enrollmentToken.list"]);
  const api = client(w, k.key);
  await api.get(tokenPath("ident-a"));
  const [first] = await w.sql(`SELECT last_used_at FROM api_keys WHERE id = '${k.id}'`);
  assert.ok(first.last_used_at > 0);
  await new Promise((r) => setTimeout(r, 20));
  await api.get(tokenPath("ident-a"));
  const [second] = await w.sql(`SELECT last_used_at FROM api_keys WHERE id = '${k.id}'`);
  assert.equal(second.last_used_at, first.last_used_at);
});

test("a revoked API key is 401 / 4004 on its next request", async () => {
  const k = await key("ident-a", ["mdm.aosp.enrollmentToken.list"]);
  const api = client(w, k.key);
  await api.get(tokenPath("ident-a"));
  const revoked = await root.del(`/v1/organizations/ident-a/api-keys/${k.id}`);
  assert.equal(revoked.id, k.id);
  assertError(await api.call("GET", tokenPath("ident-a")), 401, 4004);
  const listed = await root.get("/v1/organizations/ident-a/api-keys?limit=100");
  assert.ok(!listed.items.some((i) => i.id === k.id), "a revoked key is not listed");
  assertError(await root.call("DELETE", `/v1/organizations/ident-a/api-keys/${k.id}`), 404, 3001);
});

test("an expired API key is 401 / 4004; an expiry in the past is refused", async () => {
  // The key expires by the clock, and a read that found it in the isolate's
  // cache (crate::isolate_cache) still checks its expiry.
  const expiresAt = Date.now() + 4_000;
  const k = await key("ident-a", ["mdm.aosp.enrollmentToken.list"], { expiresAt: new Date(expiresAt).toISOString() });
  const before = await call(w, "GET", tokenPath("ident-a"), { token: k.key });
  if (Date.now() < expiresAt - 500) assert.equal(before.status, 200, JSON.stringify(before.body));
  await new Promise((r) => setTimeout(r, Math.max(0, expiresAt + 200 - Date.now())));
  assertError(await call(w, "GET", tokenPath("ident-a"), { token: k.key }), 401, 4004);
  const past = await root.call("POST", "/v1/organizations/ident-a/api-keys", {
    body: { name: "old", permissions: ["mdm.*"], expiresAt: "2020-01-01T00:00:00Z" },
  });
  assertError(past, 400, 5209);
  assert.equal(past.body.error.details[0].path, "expiresAt");
});

test("an unknown key is 401 / 4004", async () => {
  assertError(await call(w, "GET", "/v1/me", { token: "mdme_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), 401, 4004);
});

test("an API key from organization A on organization B is 404 / 3001", async () => {
  const k = await key("ident-a", ["mdm.*", "admin.*"]);
  const api = client(w, k.key);
  assertError(await api.call("GET", tokenPath("ident-b")), 404, 3001);
  assertError(await api.call("GET", tokenPath(orgB.id)), 404, 3001);
  assertError(await api.call("POST", "/v1/organizations/ident-b/members", { body: { email: "x@y.co", role: "owner" } }), 404, 3001);
  const orgs = await api.get("/v1/organizations");
  assert.deepEqual(orgs.items.map((o) => o.slug), ["ident-a"]);
});

test("a key never holds more than its creator, nor a platform permission", async () => {
  const narrow = await key("ident-a", ["mdm.aosp.enrollmentToken.list", "admin.apiKey.create"]);
  const api = client(w, narrow.key);
  const more = await api.call("POST", "/v1/organizations/ident-a/api-keys", {
    body: { name: "more", permissions: ["mdm.aosp.enrollmentToken.create"] },
  });
  assertError(more, 403, 4005);
  const same = await api.post("/v1/organizations/ident-a/api-keys", {
    name: "same",
    permissions: ["mdm.aosp.enrollmentToken.list"],
  });
  assert.deepEqual(same.permissions, ["mdm.aosp.enrollmentToken.list"]);
  // `*` from a platform operator: every tenant permission, no platform one.
  const all = await key("ident-a", ["*"]);
  assert.ok(all.permissions.length > 20);
  assert.ok(all.permissions.every((p) => !p.startsWith("platform.")));
  const allApi = client(w, all.key);
  assertError(await allApi.call("POST", "/v1/organizations", { body: { name: "X", slug: "by-key" } }), 403, 4005);
  assertError(await allApi.call("PUT", "/v1/organizations/ident-a", { body: { plan: "free" } }), 403, 4005);
  // Names that cover nothing are a 5209 naming the item.
  const bad = await root.call("POST", "/v1/organizations/ident-a/api-keys", {
    body: { name: "bad", permissions: ["mdm.aosp.enrollmentToken.list", "no.such.thing", "platform.organization.create"] },
  });
  assertError(bad, 400, 5209);
  assert.deepEqual(bad.body.error.details.map((d) => [d.path, d.code]), [["permissions[1]", "enum"], ["permissions[2]", "enum"]]);
});

test("members: create, list, get, update, remove; emails unique case-insensitively", async () => {
  const m = await root.post("/v1/organizations/ident-a/members", { email: "Owner@Example.com", role: "owner" });
  assert.equal(m.role, "owner");
  assert.equal(m.organizationId, orgA.id);
  const dup = await root.call("POST", "/v1/organizations/ident-a/members", { body: { email: "owner@example.COM", role: "viewer" } });
  assertError(dup, 400, 5209);
  assert.equal(dup.body.error.details[0].code, "unique");
  const v = await root.post("/v1/organizations/ident-a/members", { email: "viewer@example.com", role: "viewer" });
  const listed = await root.get("/v1/organizations/ident-a/members?sort=email:asc");
  assert.deepEqual(listed.items.map((i) => i.email), ["Owner@Example.com", "viewer@example.com"]);
  assert.equal((await root.get(`/v1/organizations/ident-a/members/${v.id}`)).email, "viewer@example.com");
  const up = await root.put(`/v1/organizations/ident-a/members/${v.id}`, { role: "operator" });
  assert.equal(up.role, "operator");
  assertError(await root.call("GET", `/v1/organizations/ident-b/members/${v.id}`), 404, 3001);
  await root.del(`/v1/organizations/ident-a/members/${v.id}`);
  assertError(await root.call("GET", `/v1/organizations/ident-a/members/${v.id}`), 404, 3001);
  const bad = await root.call("POST", "/v1/organizations/ident-a/members", { body: { email: "nope", role: "king" } });
  assert.deepEqual(bad.body.error.details.map((d) => [d.path, d.code]).sort(), [["email", "format"], ["role", "enum"]]);
});

test("the last owner cannot be removed or demoted: 409 / 5010", async () => {
  await root.org("ident-owners");
  const base = "/v1/organizations/ident-owners/members";
  const a = await root.post(base, { email: "a@owners.test", role: "owner" });
  assertError(await root.call("DELETE", `${base}/${a.id}`), 409, 5010);
  assertError(await root.call("PUT", `${base}/${a.id}`, { body: { role: "admin" } }), 409, 5010);
  assert.equal((await root.get(`${base}/${a.id}`)).role, "owner");
  const b = await root.post(base, { email: "b@owners.test", role: "owner" });
  await root.put(`${base}/${a.id}`, { role: "admin" });
  assertError(await root.call("DELETE", `${base}/${b.id}`), 409, 5010);
  // Renaming the last owner, keeping the role, is fine.
  assert.equal((await root.put(`${base}/${b.id}`, { email: "b2@owners.test" })).email, "b2@owners.test");
  // Both at once: two owners removing each other concurrently leave one.
  await root.put(`${base}/${a.id}`, { role: "owner" });
  const [r1, r2] = await Promise.all([
    root.call("DELETE", `${base}/${a.id}`),
    root.call("DELETE", `${base}/${b.id}`),
  ]);
  assert.deepEqual([r1.status, r2.status].sort(), [200, 409]);
  const left = await root.get(`${base}?limit=100`);
  assert.equal(left.items.filter((m) => m.role === "owner").length, 1);
});

test("roles: a viewer cannot create, an operator cannot manage members, an admin cannot create organizations or change a plan, nor touch owners", async () => {
  // Keys holding exactly a role's permissions act as that role would.
  const roleKeys = {};
  for (const role of ["viewer", "operator", "admin", "owner"]) {
    const m = await root.post("/v1/organizations/ident-b/members", { email: `${role}@roles.test`, role });
    assert.equal(m.role, role);
  }
  // The permissions of each role, as GET /v1/me reports them for a member, are
  // the ones mdm-core's table gives; keys carry them here.
  const rolePerms = {
    viewer: (p) => p.endsWith(".list") || p.endsWith(".get"),
    operator: (p) => p.endsWith(".list") || p.endsWith(".get") || p.startsWith("mdm.") || p === "androidmanagement",
    admin: (p) => !p.startsWith("platform.") && p !== "admin.member.owner",
  };
  const every = (await key("ident-b", ["*"])).permissions;
  for (const [role, pick] of Object.entries(rolePerms)) {
    roleKeys[role] = client(w, (await key("ident-b", every.filter(pick))).key);
  }
  assertError(await roleKeys.viewer.call("POST", tokenPath("ident-b"), { body: {} }), 403, 4005);
  await roleKeys.viewer.get(tokenPath("ident-b"));
  await roleKeys.operator.post(tokenPath("ident-b"), {});
  assertError(await roleKeys.operator.call("POST", "/v1/organizations/ident-b/members", { body: { email: "x@roles.test", role: "viewer" } }), 403, 4005);
  const adminApi = roleKeys.admin;
  const op = await adminApi.post("/v1/organizations/ident-b/members", { email: "new-op@roles.test", role: "operator" });
  assertError(await adminApi.call("POST", "/v1/organizations", { body: { name: "Mine", slug: "admins-own", plan: "enterprise" } }), 403, 4005);
  assertError(await adminApi.call("PUT", "/v1/organizations/ident-b", { body: { plan: "free" } }), 403, 4005);
  // Only owners make or touch owners.
  assertError(await adminApi.call("PUT", `/v1/organizations/ident-b/members/${op.id}`, { body: { role: "owner" } }), 403, 4005);
  assertError(await adminApi.call("POST", "/v1/organizations/ident-b/members", { body: { email: "o2@roles.test", role: "owner" } }), 403, 4005);
  const owners = (await root.get("/v1/organizations/ident-b/members?limit=100")).items.filter((m) => m.role === "owner");
  assertError(await adminApi.call("DELETE", `/v1/organizations/ident-b/members/${owners[0].id}`), 403, 4005);
  // An admin cannot mint a key with more than an admin holds.
  assertError(await adminApi.call("POST", "/v1/organizations/ident-b/api-keys", { body: { name: "x", permissions: ["*"] } }), 403, 4005);
});

test("a tenant admin token (admin.*) cannot create organizations or change plans; platform.* can", async () => {
  const tenant = client(w, w.token({ orgs: ["ident-a"], perms: ["admin.*", "mdm.*"] }));
  assertError(await tenant.call("POST", "/v1/organizations", { body: { name: "X", slug: "x-paid", plan: "enterprise" } }), 403, 4005);
  assertError(await tenant.call("PUT", "/v1/organizations/ident-a", { body: { plan: "enterprise" } }), 403, 4005);
  const platform = client(w, w.token({ orgs: ["*"], perms: ["platform.*"] }));
  const made = await platform.post("/v1/organizations", { name: "Paid", slug: "x-paid", plan: "pro" });
  assert.equal(made.plan, "pro");
  assert.equal((await platform.put("/v1/organizations/x-paid", { plan: "enterprise" })).plan, "enterprise");
});

test("GET /v1/me: subject, via and each organization with its permissions", async () => {
  const r = await call(w, "GET", "/v1/me", { token: w.token({ sub: "alice", orgs: ["ident-a"], perms: ["mdm.aosp.*"] }) });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.data, {
    subject: "alice",
    via: "hs256",
    organizations: [{ id: orgA.id, slug: "ident-a", permissions: ["mdm.aosp.*"] }],
  });
});

test("an AUTH_SECRET under 32 bytes refuses every HS256 token (401 / 4004)", async () => {
  // No SQL route either: it wants a secret the worker would sign with.
  const weak = await startWorker({ vars: { AUTH_SECRET: "changeme", DEBUG_SQL: "false" } });
  try {
    for (const token of [mintToken({ secret: "changeme" }), mintToken({ secret: "changeme".repeat(3) })]) {
      assertError(await call(weak, "GET", "/v1/me", { token }), 401, 4004);
    }
    // The worker says why (its log reaches wrangler's output a moment later).
    for (let i = 0; i < 50 && !/AUTH_SECRET is too short/.test(weak.output()); i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(weak.output(), /AUTH_SECRET is too short/);
  } finally {
    await weak.stop();
  }
});
