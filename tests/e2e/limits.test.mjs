// Production D1 refuses statements over 100 bound parameters, which local D1
// accepts; the worker's db layer refuses them in every build, so each case
// below fails here exactly as it would deployed. Also: error bodies stay
// small whatever a client sends, and offsets no D1 number holds are a 400.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, violations } from "./lib/fixtures.mjs";

let w, api;
const TOKENS = "/v1/organizations/wide/mdm/aosp/enterprise/enrollment-tokens";
let users = [];
let policies = [];

before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  await api.org("wide");
  for (let i = 0; i < 100; i++) {
    users.push(await api.user("wide", `user${i}@example.com`));
    policies.push(await api.policy("wide", `policy ${i}`, { n: i }));
  }
});
after(async () => {
  await w?.stop();
});

test("a token with 100 policy assignments is created, read and listed", { timeout: 120_000 }, async () => {
  const assignments = policies.map((p, i) => ({ aosPolicyId: p.id, priority: i }));
  const t = await api.post(TOKENS, { aosPolicyAssignments: assignments });
  assert.equal(t.aosPolicyAssignments.length, 100);
  assert.ok(t.aosPolicyAssignments.every((a) => a.aosPolicy?.name?.startsWith("policy ")));
  const again = await api.get(`${TOKENS}/${t.id}`);
  assert.equal(again.aosPolicyAssignments.length, 100);
  // 100 references, one of them unknown: one 5209 naming exactly that one.
  const bad = assignments.map((a) => ({ ...a }));
  bad[57].aosPolicyId = "0000000000000000000000aa";
  const r = await api.call("POST", TOKENS, { body: { aosPolicyAssignments: bad } });
  assert.deepEqual(violations(r), [["aosPolicyAssignments[57].aosPolicyId", "reference"]]);
});

test("a page of 100 tokens naming 100 distinct users and policies", { timeout: 180_000 }, async () => {
  for (let i = 0; i < 100; i++) {
    await api.post(TOKENS, {
      mdmUserId: users[i].id,
      aosPolicyAssignments: [{ aosPolicyId: policies[i].id, priority: 1 }],
    });
  }
  const page = await api.get(`${TOKENS}?limit=100&sort=createdAt:desc`);
  assert.equal(page.items.length, 100);
  const named = new Set(page.items.map((t) => t.mdmUser?.email).filter(Boolean));
  assert.equal(named.size, 100);
  assert.ok(page.items.every((t) => t.aosPolicyAssignments.every((a) => a.aosPolicy)));
});

test("a JWT naming 60 organizations lists them", { timeout: 120_000 }, async () => {
  const slugs = [];
  for (let i = 0; i < 60; i++) {
    slugs.push(`many-${i}`);
    await api.org(`many-${i}`);
  }
  const narrow = w.token({ orgs: slugs, perms: ["admin.organization.list"] });
  const r = await call(w, "GET", "/v1/organizations?limit=100", { token: narrow });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.data.totalDocs, 60);
});

test("offsets no D1 number holds: a forged Google page token is 400, an absurd page is empty", async () => {
  const org = (await api.get("/v1/organizations?limit=100")).items.find((o) => o.slug === "wide");
  const forged = Buffer.from("9223372036854775807.65a1b2c3d4e5f60718293a4b").toString("base64url");
  const g = await call(w, "GET", `/v1/enterprises/${org.enterpriseId}/enrollmentTokens?pageToken=${forged}`, {
    token: w.token(),
  });
  assert.equal(g.status, 400, JSON.stringify(g.body));
  assert.equal(g.body.error.status, "INVALID_ARGUMENT");
  const page = await api.get(`${TOKENS}?page=9007199254740991&limit=100`);
  assert.deepEqual(page.items, []);
  assert.equal(page.page, 9007199254740991);
});

test("an unauthenticated body of 5,000 unknown keys gets a small answer: 100 violations, tooMany last", async () => {
  const body = { token: "x", device: { serialNumber: "s" } };
  for (let i = 0; i < 5000; i++) body[`key${i}`] = i;
  const text = JSON.stringify(body);
  assert.ok(text.length < 64 * 1024);
  const res = await w.fetch("/v1/enroll/aosp", { method: "POST", headers: { "content-type": "application/json" }, body: text });
  const raw = await res.text();
  assert.equal(res.status, 400);
  assert.ok(raw.length <= 32 * 1024, `${raw.length} bytes`);
  const details = JSON.parse(raw).error.details;
  assert.equal(details.length, 100);
  assert.deepEqual(details.at(-1).path, "");
  assert.equal(details.at(-1).code, "tooMany");
  assert.match(details.at(-1).message, /^\.\.\. \d{4} more violations not shown$/);
  // A single huge key is cut in the path it echoes.
  const long = await call(w, "POST", "/v1/enroll/aosp", { body: { token: "x", device: { serialNumber: "s" }, ["k".repeat(60_000)]: 1 } });
  assert.equal(long.status, 400);
  assert.ok(JSON.stringify(long.body).length < 1024);
});
