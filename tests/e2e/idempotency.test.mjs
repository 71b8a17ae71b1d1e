// Safe retries: a create with an Idempotency-Key happens once per key and
// credential; a repeat (also one racing the first request) gets the first
// answer back, and the same key with another body is 409 / 5013.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { assertError, client, violations } from "./lib/fixtures.mjs";

let w, api, token;
const TOKENS = "/v1/organizations/retry/mdm/aosp/enterprise/enrollment-tokens";
before(async () => {
  w = await startWorker();
  token = w.token();
  api = client(w, token);
  await api.org("retry");
});
after(async () => {
  await w?.stop();
});

const create = (key, body, t = token) =>
  call(w, "POST", TOKENS, { token: t, body, headers: key === undefined ? {} : { "idempotency-key": key } });
const count = async () => (await api.get(`${TOKENS}?limit=0`)).totalDocs;

test("a retry with the same key answers exactly as the first request and creates nothing", async () => {
  const before = await count();
  const first = await create("create-lobby-1", { displayName: "Lobby" });
  assert.equal(first.status, 201);
  const again = await create("create-lobby-1", { displayName: "Lobby" });
  assert.equal(again.status, 201);
  assert.deepEqual(again.body, first.body);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal(await count(), before + 1);
});

test("a retry racing the original request makes no duplicate", async () => {
  const before = await count();
  const answers = await Promise.all(Array.from({ length: 8 }, () => create("race-1", { displayName: "Race" })));
  assert.ok(answers.every((r) => r.status === 201), JSON.stringify(answers.map((r) => [r.status, r.body])));
  const ids = new Set(answers.map((r) => r.body.data.id));
  assert.equal(ids.size, 1, "every answer names the one token");
  assert.equal(await count(), before + 1);
});

test("the same key with another body is 409 / 5013; another credential has its own keys", async () => {
  await create("mine", { displayName: "A" });
  assertError(await create("mine", { displayName: "B" }), 409, 5013);
  const other = w.token({ sub: "someone-else" });
  assert.equal((await create("mine", { displayName: "B" }, other)).status, 201);
});

test("a failed create keeps no claim: the retry runs again", async () => {
  const bad = await create("fix-and-retry", { duration: 5 });
  assert.deepEqual(violations(bad), [["duration", "min"]]);
  const fixed = await create("fix-and-retry", { duration: 600 });
  assert.equal(fixed.status, 201);
});

test("without the header nothing changes; a malformed key is 400", async () => {
  const before = await count();
  await create(undefined, { displayName: "No key" });
  await create(undefined, { displayName: "No key" });
  assert.equal(await count(), before + 2);
  const r = await create("é-not-ascii", {});
  assert.deepEqual(violations(r), [["Idempotency-Key", "format"]]);
  assertError(await create("x".repeat(256), {}), 400, 5209);
  // Spaces alone arrive as an empty key (HTTP trims them): 400, as the
  // published pattern says; spaces inside a key are part of it.
  assert.deepEqual(violations(await create("   ", {})), [["Idempotency-Key", "format"]]);
  assert.equal((await create("a key with spaces", { displayName: "Spaced key" })).status, 201);
  // The published header says the same of both.
  const doc = (await call(w, "GET", "/openapi.json")).body;
  const [, item] = Object.entries(doc.paths).find(([path]) => path.endsWith("/aosp/enterprise/enrollment-tokens"));
  const header = item.post.parameters.find((p) => p.name === "Idempotency-Key");
  const pattern = new RegExp(header.schema.pattern);
  assert.equal(pattern.test("   "), false);
  assert.equal(pattern.test("a key with spaces"), true);
});

test("the key is stored with the create: a claim never exists without its token", async () => {
  const rows = await w.sql("SELECT key, status FROM idempotency_keys ORDER BY key");
  assert.ok(rows.length >= 3);
  assert.ok(rows.every((r) => r.status === 201), JSON.stringify(rows));
  assert.ok(!rows.some((r) => r.key === "fix-and-retry" && r.status === null));
});
