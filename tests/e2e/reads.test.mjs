// One D1 round trip per read (issue 14): a read takes the organization from
// the isolate's cache (worker/src/routes/tenancy.rs says why that is safe).
// A change made elsewhere (another isolate; here, SQL behind the worker's
// back) reaches reads within 30 s, but never a write, a read that sent a
// bookmark, or a read after a change made through this isolate.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { assertError, client } from "./lib/fixtures.mjs";

const WIN = "/v1/organizations/cached/mdm/windows/enterprise/enrollment-tokens";
let w, api, org;
before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  org = await api.org("cached", "pro");
});
after(async () => {
  await w?.stop();
});

test("a read uses the cached organization; a write and a bookmarked read see D1", async () => {
  const first = await api.call("GET", WIN);
  assert.equal(first.status, 200);
  const bookmark = first.headers.get("x-d1-bookmark");
  assert.ok(bookmark);
  // Another isolate moves the organization to free (no Windows MDM).
  await w.sql(`UPDATE organizations SET plan = 'free' WHERE id = '${org.id}'`);
  assert.equal((await api.call("GET", WIN)).status, 200, "a read within the TTL may use the cached plan");
  assertError(await api.call("GET", WIN, { headers: { "x-d1-bookmark": bookmark } }), 400, 5050);
  assertError(await api.call("POST", WIN, { body: { displayName: "pc" } }), 400, 5050);
});

test("a plan changed through the API reaches the next read at once", async () => {
  const platform = w.token({ orgs: ["*"], perms: ["platform.organization.update"] });
  const put = async (plan) => {
    const r = await call(w, "PUT", `/v1/organizations/${org.id}`, { token: platform, body: { plan } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  await put("pro");
  assert.equal((await api.call("GET", WIN)).status, 200);
  await put("free");
  assertError(await api.call("GET", WIN), 400, 5050);
  await put("pro");
  assert.equal((await api.call("GET", WIN)).status, 200);
});

test("an organization created after a miss is found at once (misses are not cached)", async () => {
  assertError(await api.call("GET", "/v1/organizations/late-comer/segments"), 404, 3001);
  await api.org("late-comer");
  assert.equal((await api.call("GET", "/v1/organizations/late-comer/segments")).status, 200);
});
