// OpenID Connect and Cloudflare Access over HTTP: the test is the identity
// provider. It generates RSA and P-256 keys, serves their JWKS on loopback,
// signs tokens with them, and starts wrangler dev with AUTH_JWKS_URL,
// AUTH_ISSUER and AUTH_AUDIENCE pointing at itself. A second worker points
// at a key set nobody serves (503 / 5030).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startWorker, call, freePort } from "./lib/server.mjs";
import { client, assertError } from "./lib/fixtures.mjs";
import { ISSUER, AUDIENCE, b64, now, keyPair, jwt, serveJwks, oidcVars } from "./lib/idp.mjs";

const PLATFORM = "ops@platform.test";

const rsa = keyPair("RSA", "rsa-1");
const ec = keyPair("EC", "ec-1");
const later = keyPair("RSA", "rsa-2"); // published mid-run
const stranger = keyPair("RSA", "stranger"); // never published

let jwks; // the keys the server publishes
let idp;
let w;
let down; // a worker whose key set cannot be fetched
let root;

before(async () => {
  jwks = [rsa.jwk, ec.jwk];
  idp = await serveJwks(() => jwks);
  const vars = { ...oidcVars(idp), PLATFORM_ADMINS: `someone@else.test, ${PLATFORM.toUpperCase()}` };
  const nobody = await freePort();
  [w, down] = await Promise.all([
    startWorker({ vars }),
    startWorker({ vars: { ...vars, AUTH_JWKS_URL: `http://127.0.0.1:${nobody}/jwks` } }),
  ]);
  root = client(w, w.token({ sub: "root" }));
  await root.org("oidc-a");
  await root.org("oidc-b");
  for (const role of ["viewer", "operator", "admin", "owner"]) {
    await root.post("/v1/organizations/oidc-a/members", { email: `${role}@Members.test`, role });
  }
  await root.post("/v1/organizations/oidc-b/members", { email: "viewer@members.test", role: "admin" });
});
after(async () => {
  await Promise.all([w?.stop(), down?.stop()]);
  idp?.close();
});

const as = (token) => client(w, token);
const tokensOf = (org) => `/v1/organizations/${org}/mdm/aosp/enterprise/enrollment-tokens`;

test("a valid RS256 token and a valid ES256 token sign a member in, with their role's permissions", async () => {
  const first = idp.hits();
  const me = await as(jwt(rsa, { email: "VIEWER@members.test" })).get("/v1/me");
  assert.equal(me.via, "oidc");
  assert.equal(me.subject, "person-1");
  assert.equal(me.email, "VIEWER@members.test");
  const bySlug = Object.fromEntries(me.organizations.map((o) => [o.slug, o]));
  assert.equal(bySlug["oidc-a"].role, "viewer");
  assert.equal(bySlug["oidc-b"].role, "admin");
  assert.ok(bySlug["oidc-a"].permissions.includes("mdm.aosp.enrollmentToken.list"));
  assert.ok(!bySlug["oidc-a"].permissions.includes("mdm.aosp.enrollmentToken.create"));
  const es = await as(jwt(ec, { email: "operator@members.test" })).get("/v1/me");
  assert.equal(es.organizations[0].role, "operator");
  assert.ok(idp.hits() - first <= 1, "the key set is cached");
});

test("roles over OIDC: a viewer cannot create, an operator cannot manage members, an admin cannot create organizations or change a plan", async () => {
  const viewer = as(jwt(rsa, { email: "viewer@members.test" }));
  await viewer.get(tokensOf("oidc-a"));
  assertError(await viewer.call("POST", tokensOf("oidc-a"), { body: {} }), 403, 4005);
  // The same person is an admin in oidc-b: that role holds there only.
  await viewer.post(tokensOf("oidc-b"), {});
  const operator = as(jwt(rsa, { email: "operator@members.test" }));
  await operator.post(tokensOf("oidc-a"), {});
  assertError(await operator.call("POST", "/v1/organizations/oidc-a/members", { body: { email: "n@m.test", role: "viewer" } }), 403, 4005);
  assertError(await operator.call("GET", tokensOf("oidc-b")), 404, 3001);
  const admin = as(jwt(ec, { email: "admin@members.test" }));
  await admin.post("/v1/organizations/oidc-a/members", { email: "new@members.test", role: "operator" });
  assertError(await admin.call("POST", "/v1/organizations", { body: { name: "Mine", slug: "mine", plan: "enterprise" } }), 403, 4005);
  assertError(await admin.call("PUT", "/v1/organizations/oidc-a", { body: { plan: "free" } }), 403, 4005);
  assertError(await admin.call("POST", "/v1/organizations/oidc-a/members", { body: { email: "o@members.test", role: "owner" } }), 403, 4005);
  const owner = as(jwt(rsa, { email: "owner@members.test" }));
  const owners = (await owner.get("/v1/organizations/oidc-a/members?limit=100")).items.filter((m) => m.role === "owner");
  assert.equal(owners.length, 1);
  assertError(await owner.call("DELETE", `/v1/organizations/oidc-a/members/${owners[0].id}`), 409, 5010);
  assertError(await owner.call("PUT", `/v1/organizations/oidc-a/members/${owners[0].id}`, { body: { role: "viewer" } }), 409, 5010);
  // Someone with no membership sees nothing.
  const stranger = as(jwt(rsa, { email: "nobody@members.test" }));
  assert.deepEqual((await stranger.get("/v1/me")).organizations, []);
  assertError(await stranger.call("GET", tokensOf("oidc-a")), 403, 4005);
});

test("PLATFORM_ADMINS hold platform.*: create an organization and change its plan", async () => {
  const ops = as(jwt(ec, { email: PLATFORM }));
  const made = await ops.post("/v1/organizations", { name: "Paid", slug: "oidc-paid", plan: "pro" });
  assert.equal((await ops.put(`/v1/organizations/${made.id}`, { plan: "enterprise" })).plan, "enterprise");
  // platform.* is not a tenant's permissions.
  assertError(await ops.call("GET", tokensOf("oidc-paid")), 403, 4005);
});

test("Cloudflare Access: the Cf-Access-Jwt-Assertion header gets the same check", async () => {
  const ok = await call(w, "GET", "/v1/me", { headers: { "cf-access-jwt-assertion": jwt(rsa, { email: "owner@members.test" }) } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.data.via, "oidc");
  const bad = await call(w, "GET", "/v1/me", { headers: { "cf-access-jwt-assertion": jwt(rsa, { aud: "other" }) } });
  assertError(bad, 401, 4004);
  const forged = await call(w, "GET", "/v1/me", { headers: { "cf-access-jwt-assertion": jwt(stranger, {}, { kid: "rsa-1" }) } });
  assertError(forged, 401, 4004);
  // Access' assertion is a bare OpenID Connect token or nothing: a valid
  // HS256 token there is refused, and so is the text of an Authorization
  // header, before and after the same credential signed in as a bearer (a
  // kept verification is kept for the header it came in).
  const hs = w.token({ sub: "x" });
  const person = jwt(rsa, { email: "owner@members.test" });
  const refused = [hs, `Bearer ${hs}`, `Bearer ${person}`];
  for (const assertion of refused) {
    assertError(await call(w, "GET", "/v1/me", { headers: { "cf-access-jwt-assertion": assertion } }), 401, 4004);
  }
  for (const token of [hs, person]) assert.equal((await call(w, "GET", "/v1/me", { token })).status, 200);
  for (const assertion of refused) {
    assertError(await call(w, "GET", "/v1/me", { headers: { "cf-access-jwt-assertion": assertion } }), 401, 4004);
  }
});

test("an OpenID Connect token verified moments ago is refused once its skewed exp passes", async () => {
  // Kept for 10 s once verified (identity::signed), checked each time
  // against the token's exp plus the 60 s of skew: here 4 s from now.
  const t = now();
  const token = jwt(rsa, { exp: t - 56 });
  for (let i = 0; i < 2; i++) assert.equal((await call(w, "GET", "/v1/me", { token })).status, 200);
  await new Promise((r) => setTimeout(r, (t + 4) * 1000 - Date.now() + 50));
  assertError(await call(w, "GET", "/v1/me", { token }), 401, 4004);
});

test("attacks on the token are 401 / 4004", async () => {
  const t = now();
  const hsWithPublicKey = (() => {
    const h = b64({ alg: "HS256", typ: "JWT", kid: rsa.kid });
    const p = b64({ iss: ISSUER, aud: AUDIENCE, sub: "x", exp: t + 600, orgs: ["*"], perms: ["*"] });
    const pem = rsa.publicKey.export({ format: "pem", type: "spki" });
    return `${h}.${p}.${createHmac("sha256", pem).update(`${h}.${p}`).digest("base64url")}`;
  })();
  const cases = {
    "wrong iss": jwt(rsa, { iss: "https://evil.test" }),
    "wrong aud": jwt(rsa, { aud: "someone-else" }),
    "aud list without ours": jwt(rsa, { aud: ["a", "b"] }),
    expired: jwt(rsa, { exp: t - 120 }),
    "nbf in the future": jwt(rsa, { nbf: t + 600 }),
    "no exp": jwt(rsa, { exp: undefined }),
    "key not in the set": jwt(stranger),
    "signed by another key under a known kid": jwt(stranger, {}, { kid: rsa.kid }),
    "RS256 header on an EC key id": jwt(ec, {}, { alg: "RS256" }),
    "alg none": `${b64({ alg: "none", kid: rsa.kid })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "x", exp: t + 600 })}.`,
    "HS256 signed with the RSA public key": hsWithPublicKey,
    "tampered claims": (() => {
      const [h, , s] = jwt(rsa, { email: "viewer@members.test" }).split(".");
      return `${h}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "x", exp: t + 600, email: PLATFORM })}.${s}`;
    })(),
  };
  for (const [name, token] of Object.entries(cases)) {
    const r = await call(w, "GET", "/v1/me", { token });
    assert.equal(r.status, 401, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 4004, name);
  }
  // Within the 60 s of skew: accepted.
  assert.equal((await call(w, "GET", "/v1/me", { token: jwt(rsa, { exp: t - 30 }) })).status, 200);
  assert.equal((await call(w, "GET", "/v1/me", { token: jwt(rsa, { nbf: t + 30 }) })).status, 200);
});

test("a JWKS that cannot be fetched is 503 / 5030, on the API and the Google surface alike", async () => {
  const r = await call(down, "GET", "/v1/me", { token: jwt(rsa) });
  assertError(r, 503, 5030);
  assert.equal(r.body.error.message, "Identity provider unavailable");
  const cf = await call(down, "GET", "/v1/organizations", { headers: { "cf-access-jwt-assertion": jwt(ec) } });
  assertError(cf, 503, 5030);
  const g = await call(down, "GET", "/v1/enterprises/x/enrollmentTokens", { token: jwt(rsa) });
  assert.equal(g.status, 503);
  assert.equal(g.body.error.status, "UNAVAILABLE");
  // Logged (the worker's log reaches wrangler's output a moment later).
  for (let i = 0; i < 50 && !/5030: key set/.test(down.output()); i++) await new Promise((r) => setTimeout(r, 200));
  assert.match(down.output(), /5030: key set/);
  // HS256 and API keys do not depend on the identity provider.
  assert.equal((await call(down, "GET", "/v1/me", { token: down.token() })).status, 200);
});

test("a key added to the set mid-run is accepted without a restart; unknown kids refetch at most once a minute", async () => {
  // Unknown kid: the set was fetched less than a minute ago, so no refetch.
  const before = idp.hits();
  assertError(await call(w, "GET", "/v1/me", { token: jwt(later, { email: "owner@members.test" }) }), 401, 4004);
  jwks = [rsa.jwk, ec.jwk, later.jwk];
  for (let i = 0; i < 5; i++) {
    assertError(await call(w, "GET", "/v1/me", { token: jwt(later) }), 401, 4004);
  }
  assert.ok(idp.hits() - before <= 1, `refetched ${idp.hits() - before} times within a minute`);
  // A minute later, the unknown kid triggers one refetch, and the new key works.
  await new Promise((r) => setTimeout(r, 61_000));
  const r = await call(w, "GET", "/v1/me", { token: jwt(later, { email: "owner@members.test" }) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.data.organizations[0].role, "owner");
  const after = idp.hits();
  await call(w, "GET", "/v1/me", { token: jwt(later) });
  await call(w, "GET", "/v1/me", { token: jwt(stranger) });
  assert.equal(idp.hits(), after, "known kids come from the cache; an unknown one waits a minute");
});

test("memberships: writes, bookmarked reads and changes through the API never use cached memberships", async () => {
  const person = as(jwt(rsa, { email: "cached@members.test", sub: "cached-1" }));
  const m = await root.post("/v1/organizations/oidc-a/members", { email: "cached@members.test", role: "operator" });
  const first = await person.call("GET", tokensOf("oidc-a"));
  assert.equal(first.status, 200, JSON.stringify(first.body));
  // Removed behind this isolate's back (another isolate did it): reads may
  // use the cached memberships for up to 10 s; a write or a bookmarked read
  // may not.
  await w.sql(`DELETE FROM members WHERE id = '${m.id}'`);
  assertError(await person.call("POST", tokensOf("oidc-a"), { body: {} }), 403, 4005);
  const bookmark = first.headers.get("x-d1-bookmark");
  assertError(await person.call("GET", tokensOf("oidc-a"), { headers: { "x-d1-bookmark": bookmark } }), 403, 4005);
  // Added again and removed through the API: the next read is refused.
  const again = await root.post("/v1/organizations/oidc-a/members", { email: "cached@members.test", role: "operator" });
  assert.equal((await person.call("GET", tokensOf("oidc-a"))).status, 200);
  await root.del(`/v1/organizations/oidc-a/members/${again.id}`);
  assertError(await person.call("GET", tokensOf("oidc-a")), 403, 4005);
});
