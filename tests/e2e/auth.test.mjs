// Bearer JWT handling over HTTP (GET /v1/me needs any valid token).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";

let w;
before(async () => {
  w = await startWorker();
});
after(async () => {
  await w?.stop();
});

const now = () => Math.floor(Date.now() / 1000);

function assertError(r, status, code, message) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.deepEqual(r.body, { status: false, error: { code, message, details: [] } });
}

test("no Authorization header is 401 / 4002", async () => {
  assertError(await call(w, "GET", "/v1/me"), 401, 4002, "No auth token");
  assertError(await call(w, "GET", "/v1/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } }), 401, 4002, "No auth token");
});

test("a valid token is accepted and its claims are read", async () => {
  const token = w.token({ sub: "alice", orgs: ["demo"], perms: ["mdm.aosp.*"] });
  const r = await call(w, "GET", "/v1/me", { token });
  assert.equal(r.status, 200);
  assert.equal(r.body.data.subject, "alice");
  assert.equal(r.body.data.via, "hs256");
  // No organization "demo" exists in this database: the claim shows nothing.
  assert.deepEqual(r.body.data.organizations, []);
});

test("a token verified moments ago is refused once its exp passes: a kept verification never outlives its token", async () => {
  // The worker keeps a verified token for 10 s (identity::signed); this one
  // expires within 4 s (3 at least, for the two calls that sign in), so the
  // last call is answered from the kept verification, checked against the
  // token's own exp.
  const exp = now() + 4;
  const token = w.sign({ sub: "brief", iat: now(), exp, orgs: [], perms: [] });
  for (let i = 0; i < 2; i++) assert.equal((await call(w, "GET", "/v1/me", { token })).status, 200);
  await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
  assertError(await call(w, "GET", "/v1/me", { token }), 401, 4004, "Invalid Token");
});

test("bad tokens are 401 / 4004", async () => {
  const base = { sub: "x", iat: now(), exp: now() + 600, orgs: ["*"], perms: ["*"] };
  const cases = {
    garbage: "not-a-jwt",
    "wrong secret": (await import("../../scripts/mint-token.mjs")).signJwt(base, "another-secret"),
    expired: w.sign({ ...base, exp: now() - 1 }),
    "not yet valid": w.sign({ ...base, nbf: now() + 600 }),
    "no exp": w.sign({ sub: "x", orgs: [], perms: [] }),
    "alg none": w.sign(base, { alg: "none" }),
    "alg HS512": w.sign(base, { alg: "HS512" }),
    "tampered payload": (() => {
      const [h, , s] = w.sign(base).split(".");
      const p = Buffer.from(JSON.stringify({ ...base, sub: "root" })).toString("base64url");
      return `${h}.${p}.${s}`;
    })(),
  };
  for (const [name, token] of Object.entries(cases)) {
    const r = await call(w, "GET", "/v1/me", { token });
    assert.equal(r.status, 401, name);
    assert.equal(r.body.error.code, 4004, name);
    assert.equal(r.body.error.message, "Invalid Token", name);
  }
});
