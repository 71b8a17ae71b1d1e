// Transport-level failures: each is a clean envelope, never a 5xx.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { startWorker, call } from "./lib/server.mjs";

let w;
before(async () => {
  w = await startWorker({ vars: { DEBUG_ROUTES: "true" } });
});
after(async () => {
  await w?.stop();
});

function assertEnvelope(r, status, code) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.status, false);
  assert.equal(r.body.error.code, code);
  assert.equal(typeof r.body.error.message, "string");
  assert.ok(Array.isArray(r.body.error.details));
  assert.match(r.headers.get("content-type"), /^application\/json/);
}

test("unknown route is a 404 envelope", async () => {
  assertEnvelope(await call(w, "GET", "/nope"), 404, 4040);
  assertEnvelope(await call(w, "GET", "/v1/organizations/acme/unknown/thing"), 404, 4040);
});

test("wrong method is a 405 envelope with Allow", async () => {
  for (const m of ["POST", "PUT", "DELETE", "PATCH"]) {
    const r = await call(w, m, "/health");
    assertEnvelope(r, 405, 4050);
    assert.equal(r.headers.get("allow"), "GET");
  }
});

test("the Google-compatible surface answers Google's error body", async () => {
  const r = await call(w, "GET", "/v1/enterprises/e1/unknown");
  assert.equal(r.status, 404);
  assert.deepEqual(r.body, { error: { code: 404, message: "Route not found", status: "NOT_FOUND" } });
});

test("a well-formed JSON body passes the pipeline", async () => {
  const r = await call(w, "POST", "/v1/_debug/echo", { body: { a: [1, "x"], b: null } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: true, data: { a: [1, "x"], b: null } });
  const charset = await call(w, "POST", "/v1/_debug/echo", {
    body: "{}", headers: { "content-type": "application/json; charset=utf-8" },
  });
  assert.equal(charset.status, 200);
});

test("malformed JSON is a 400 / 5209 with a format violation", async () => {
  for (const text of ["{", "{\"a\":}", "nul", "\"unterminated", "[1,]", "{} trailing"]) {
    const r = await call(w, "POST", "/v1/_debug/echo", { body: text, headers: { "content-type": "application/json" } });
    assertEnvelope(r, 400, 5209);
    assert.equal(r.body.error.details[0].code, "format", text);
    assert.equal(r.body.error.details[0].path, "");
  }
  const deep = await call(w, "POST", "/v1/_debug/echo", {
    body: "[".repeat(5000) + "]".repeat(5000), headers: { "content-type": "application/json" },
  });
  assertEnvelope(deep, 400, 5209);
});

test("an empty body is a 400 / 5209 required", async () => {
  const r = await call(w, "POST", "/v1/_debug/echo", { body: "", headers: { "content-type": "application/json" } });
  assertEnvelope(r, 400, 5209);
  assert.equal(r.body.error.details[0].code, "required");
});

test("a wrong or missing Content-Type is a 415", async () => {
  for (const ct of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
    assertEnvelope(await call(w, "POST", "/v1/_debug/echo", { body: "{}", headers: { "content-type": ct } }), 415, 4150);
  }
  // fetch sends a string body as text/plain unless told otherwise; send bytes for "no Content-Type".
  const r = await call(w, "POST", "/v1/_debug/echo", { body: new TextEncoder().encode("{}") });
  assertEnvelope(r, 415, 4150);
});

test("a body over 64 KiB is a 413, by Content-Length or streamed", async () => {
  const big = JSON.stringify({ s: "x".repeat(70 * 1024) });
  assertEnvelope(await call(w, "POST", "/v1/_debug/echo", { body: big, headers: { "content-type": "application/json" } }), 413, 4130);
  // Exactly at the limit passes.
  const exact = JSON.stringify({ s: "x".repeat(64 * 1024 - 8) });
  assert.equal(Buffer.byteLength(exact), 64 * 1024);
  const ok = await call(w, "POST", "/v1/_debug/echo", { body: exact, headers: { "content-type": "application/json" } });
  assert.equal(ok.status, 200);
  // Chunked upload without Content-Length.
  const chunks = new ReadableStream({
    start(c) {
      for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("x".repeat(8 * 1024)));
      c.close();
    },
  });
  const res = await w.fetch("/v1/_debug/echo", {
    method: "POST", body: chunks, duplex: "half", headers: { "content-type": "application/json" },
  });
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.code, 4130);
});

test("debug routes do not exist unless their var is on (and the SQL route's secret is sent)", async () => {
  const sql = (worker, secret) =>
    call(worker, "POST", "/v1/_debug/sql", { body: { statements: ["SELECT 1 AS one"] }, headers: secret === undefined ? {} : { "x-debug-secret": secret } });
  // This worker has DEBUG_SQL (every e2e worker does): the secret decides.
  assert.deepEqual((await sql(w, w.secret)).body, [[{ one: 1 }]]);
  assertEnvelope(await sql(w, undefined), 404, 4040);
  assertEnvelope(await sql(w, w.secret.slice(1)), 404, 4040);
  const otherLast = w.secret.endsWith("0") ? "1" : "0"; // same length, one character off
  assertEnvelope(await sql(w, w.secret.slice(0, -1) + otherLast), 404, 4040);
  // Checked in a second worker without either var.
  const plain = await startWorker({ vars: { DEBUG_SQL: "false" } });
  try {
    assertEnvelope(await call(plain, "POST", "/v1/_debug/echo", { body: {} }), 404, 4040);
    assertEnvelope(await sql(plain, plain.secret), 404, 4040);
  } finally {
    await plain.stop();
  }
});

/** A request whose path is sent exactly as written (fetch would normalize it first). */
function rawGet(worker, path) {
  const { hostname, port } = new URL(worker.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: "GET" }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

// The worker reads the path as written when a parser would not change it,
// else through the runtime's URL parser (http/incoming.rs). Locally the text
// reaches the worker already normalized by wrangler's proxy, so this holds
// the whole way round: whatever is sent, the router sees the parsed path.
test("a path is routed as a URL parser reads it: dot segments resolved, anything else a 404 envelope", async () => {
  for (const path of ["/health", "/x/../health", "/./health", "/%2e/health", "/a/%2E%2e/health", "/health?x=/../y", "/health/."]) {
    const r = await rawGet(w, path);
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.status, true, path);
  }
  for (const path of ["/heal%74h", "/v1/caf%C3%A9", "/v1/a%zz", "/v1/me/..%2f"]) {
    const r = await rawGet(w, path);
    assert.equal(r.status, 404, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 4040, path);
  }
});
