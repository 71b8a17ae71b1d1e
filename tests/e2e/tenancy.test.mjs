// Tenancy: every resource of organization A requested through organization
// B's path is a 404 and is left unchanged; a token limited to B sees nothing of A.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./lib/server.mjs";
import { client, enroll, assertError, violations } from "./lib/fixtures.mjs";

const A = "/v1/organizations/org-a/mdm/aosp/enterprise";
const B = "/v1/organizations/org-b/mdm/aosp/enterprise";
let w, api, a;
before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  await api.org("org-a");
  await api.org("org-b");
  a = {};
  a.user = await api.user("org-a", "a@example.com");
  a.policy = await api.policy("org-a", "A policy", { a: 1 });
  a.segment = await api.segment("org-a", "A segment");
  a.token = await api.token("org-a", { mdmUserId: a.user.id });
  a.device = (await enroll(w, (await api.token("org-a")).config.oneTimeToken, "A-1")).body.data.aosDeviceId;
});
after(async () => {
  await w?.stop();
});

test("A's token and device through B's path: 404, unchanged", async () => {
  const tokenBefore = await api.get(`${A}/enrollment-tokens/${a.token.id}`);
  const deviceBefore = await api.get(`${A}/devices/${a.device}`);
  assertError(await api.call("GET", `${B}/enrollment-tokens/${a.token.id}`), 404, 3001);
  assertError(await api.call("DELETE", `${B}/enrollment-tokens/${a.token.id}`), 404, 3001);
  assertError(await api.call("GET", `${B}/devices/${a.device}`), 404, 3001);
  assertError(await api.call("PUT", `${B}/devices/${a.device}`, { body: { displayName: "stolen" } }), 404, 3001);
  assert.deepEqual(await api.get(`${A}/enrollment-tokens/${a.token.id}`), tokenBefore);
  assert.deepEqual(await api.get(`${A}/devices/${a.device}`), deviceBefore);
  for (const list of ["enrollment-tokens", "devices", "policies", "dpc-builds"]) {
    assert.equal((await api.get(`${B}/${list}`)).totalDocs, 0, list);
  }
  assert.equal((await api.get("/v1/organizations/org-b/mdm-users")).totalDocs, 0);
  assert.equal((await api.get("/v1/organizations/org-b/segments")).totalDocs, 0);
});

test("A's user, policy and segment cannot be referenced from B", async () => {
  const refs = violations(await api.call("POST", `${B}/enrollment-tokens`, {
    body: { mdmUserId: a.user.id, segmentId: a.segment.id, aosPolicyAssignments: [{ aosPolicyId: a.policy.id, priority: 1 }] },
  }));
  assert.deepEqual(refs, [["mdmUserId", "reference"], ["segmentId", "reference"], ["aosPolicyAssignments[0].aosPolicyId", "reference"]]);
  // A's user and policy filters on B's lists simply match nothing.
  assert.equal((await api.get(`${B}/enrollment-tokens?mdmUserId=${a.user.id}`)).totalDocs, 0);
  assert.equal((await api.get(`${B}/enrollment-tokens?segmentId=${a.segment.id}&expandTo=children`)).totalDocs, 0);
});

test("a token limited to B sees nothing of A, by id or by slug", async () => {
  const bOnly = client(w, w.token({ orgs: ["org-b"], perms: ["*"] }));
  const orgA = (await api.get("/v1/organizations?limit=100")).items.find((o) => o.slug === "org-a");
  for (const path of [
    `${A}/enrollment-tokens`,
    `${A}/enrollment-tokens/${a.token.id}`,
    `${A}/devices/${a.device}`,
    `/v1/organizations/${orgA.id}/mdm-users`,
    "/v1/organizations/org-a/segments",
  ]) {
    assertError(await bOnly.call("GET", path), 404, 3001);
  }
  assertError(await bOnly.call("DELETE", `${A}/enrollment-tokens/${a.token.id}`), 404, 3001);
  assert.equal((await api.get(`${A}/enrollment-tokens/${a.token.id}`)).status, "PENDING");
  const visible = await bOnly.get("/v1/organizations");
  assert.deepEqual(visible.items.map((o) => o.slug), ["org-b"]);
});
