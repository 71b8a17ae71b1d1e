// D1 read replication: every answer carries the session's bookmark in
// x-d1-bookmark; a request that sends it back reads at least that state.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { assertError, client } from "./lib/fixtures.mjs";

let w, api;
before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  await api.org("replicas");
});
after(async () => {
  await w?.stop();
});

test("a write answers with a bookmark; a read sent with it sees the write", async () => {
  const created = await api.call("POST", "/v1/organizations/replicas/segments", { body: { name: "eu" } });
  assert.equal(created.status, 201);
  const bookmark = created.headers.get("x-d1-bookmark");
  assert.ok(bookmark, "no x-d1-bookmark on the create");
  const read = await api.call("GET", "/v1/organizations/replicas/segments", { headers: { "x-d1-bookmark": bookmark } });
  assert.equal(read.status, 200);
  assert.ok(read.body.data.items.some((s) => s.id === created.body.data.id));
  assert.ok(read.headers.get("x-d1-bookmark"), "no x-d1-bookmark on the read");
});

test("a malformed bookmark is a 400 naming the header, not a D1 failure", async () => {
  const r = await api.call("GET", "/v1/organizations/replicas/segments", { headers: { "x-d1-bookmark": "not a bookmark!" } });
  assertError(r, 400, 5209);
  assert.deepEqual(r.body.error.details.map((d) => d.path), ["x-d1-bookmark"]);
});

test("answers that touch no database carry no bookmark", async () => {
  const r = await call(w, "GET", "/openapi.json");
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("x-d1-bookmark"), null);
});
