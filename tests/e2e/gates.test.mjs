// Every operation of /openapi.json (generated from the endpoint table) is
// probed at each gate its row has, against the live worker: what the
// dispatcher answers must be a response the document lists for that
// operation, with the documented code. A permission that drifts between a
// row and its handler, or a gate whose errors the document does not list,
// fails here.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";

let w;
let doc;
let ops; // [{ method, path, op }]
let admin;
let enterpriseId;
const NO_SUCH_ID = "0000000000000000000000aa";
// Path ids that are integers (segments): the largest the document allows, which no row has.
const noSuchInteger = {};

before(async () => {
  w = await startWorker();
  admin = w.token();
  for (const [slug, plan] of [["gate", "enterprise"], ["gatefree", "free"]]) {
    const r = await call(w, "POST", "/v1/organizations", { token: admin, body: { name: slug, slug, plan } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    if (slug === "gate") enterpriseId = r.body.data.enterpriseId;
  }
  doc = (await call(w, "GET", "/openapi.json")).body;
  ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
  for (const { op } of ops) {
    for (const p of op.parameters ?? []) {
      if (p.in === "path" && p.schema?.type === "integer") noSuchInteger[p.name] = String(p.schema.maximum);
    }
  }
});
after(async () => {
  await w?.stop();
});

/** The path with its parameters filled in; `over` replaces some. */
function fill(path, over = {}) {
  const values = { organizationId: "gate", enterpriseId, ...noSuchInteger, ...over };
  return path.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? NO_SUCH_ID);
}

const isBearer = (op) => (op.security ?? []).some((s) => "bearerAuth" in s);
const isDevice = (op) => (op.security ?? []).some((s) => "deviceSecret" in s);
const hasBody = (op) => op.requestBody !== undefined;
const params = (op, where) => (op.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);

/** The answer must be documented for `op`, and its description must name `code`. */
function documented(o, r, code) {
  const doc = o.op.responses[String(r.status)];
  assert.ok(doc, `${o.method} ${o.path} answered ${r.status} (${JSON.stringify(r.body)}), not documented`);
  if (code !== undefined) {
    assert.ok(
      doc.description.includes(String(code)),
      `${o.method} ${o.path}: ${r.status} is documented as "${doc.description}", which does not name ${code}`,
    );
  }
}

/** The envelope's code, or Google's status name on the Google-compatible surface. */
const errorCode = (r) => (typeof r.body?.error?.status === "string" ? r.body.error.status : r.body?.error?.code);

function send(o, { token, path, body, headers = {} } = {}) {
  const h = { ...headers };
  let payload;
  if (hasBody(o.op) && body !== null) {
    payload = typeof body === "string" ? body : JSON.stringify(body ?? {});
    h["content-type"] ??= "application/json";
  }
  return call(w, o.method, path ?? fill(o.path), { token, body: payload, headers: h });
}

test("the document lists operations with gates", () => {
  assert.ok(ops.length >= 30, `only ${ops.length} operations`);
  assert.ok(ops.some((o) => o.op["x-permission"]));
});

test("credential: a bearer route without a token is 401 / 4002, a device route without its secret too", async () => {
  for (const o of ops) {
    if (!isBearer(o.op) && !isDevice(o.op)) {
      assert.equal(o.op.responses["401"], undefined, `${o.method} ${o.path} is public but documents 401`);
      continue;
    }
    const r = await send(o);
    assert.equal(r.status, 401, `${o.method} ${o.path}`);
    assert.ok([4002, "UNAUTHENTICATED"].includes(errorCode(r)), `${o.method} ${o.path}: ${JSON.stringify(r.body)}`);
    documented(o, r, 4002);
  }
});

test("permission: exactly the row's permission is needed, and the document names it", async () => {
  const all = [...new Set(ops.map((o) => o.op["x-permission"]).filter(Boolean))];
  for (const o of ops) {
    const perm = o.op["x-permission"];
    if (!perm) {
      assert.equal(o.op.responses["403"], undefined, `${o.method} ${o.path} checks no permission but documents 403`);
      continue;
    }
    const without = w.token({ perms: all.filter((p) => p !== perm) });
    const denied = await send(o, { token: without });
    assert.equal(denied.status, 403, `${o.method} ${o.path} without ${perm}: ${JSON.stringify(denied.body)}`);
    documented(o, denied, perm);
    const only = w.token({ perms: [perm] });
    const allowed = await send(o, { token: only });
    assert.ok(![401, 403].includes(allowed.status), `${o.method} ${o.path} with only ${perm}: ${allowed.status}`);
    documented(o, allowed);
  }
});

test("organization: malformed is 400 / 5209, unknown is 404, each as documented", async () => {
  for (const o of ops) {
    const names = params(o.op, "path");
    if (names.includes("organizationId")) {
      const bad = await send(o, { token: admin, path: fill(o.path, { organizationId: "not_a_slug" }) });
      assert.equal(bad.status, 400, `${o.method} ${o.path}`);
      assert.deepEqual(bad.body.error.details.map((d) => d.path), ["organizationId"]);
      documented(o, bad, 5209);
      const unknown = await send(o, { token: admin, path: fill(o.path, { organizationId: "no-such-org" }) });
      assert.equal(unknown.status, 404, `${o.method} ${o.path}`);
      documented(o, unknown, 3001);
    }
    if (names.includes("enterpriseId")) {
      const unknown = await send(o, { token: admin, path: fill(o.path, { enterpriseId: "no-such-org" }) });
      assert.equal(unknown.status, 404, `${o.method} ${o.path}`);
      assert.equal(errorCode(unknown), "NOT_FOUND");
      documented(o, unknown, "NOT_FOUND");
    }
  }
});

test("plan: a feature route on plan free is 400 / 5050 before ids and body, as documented", async () => {
  let gated = 0;
  for (const o of ops) {
    if (!params(o.op, "path").includes("organizationId")) continue;
    const r = await send(o, { token: admin, path: fill(o.path, { organizationId: "gatefree" }), body: { junk: 1 } });
    const documents5050 = (o.op.responses["400"]?.description ?? "").includes("5050");
    if (documents5050) {
      gated += 1;
      assert.equal(r.status, 400, `${o.method} ${o.path}`);
      assert.equal(r.body.error.code, 5050, `${o.method} ${o.path}`);
    } else {
      assert.notEqual(errorCode(r), 5050, `${o.method} ${o.path} answers 5050 but does not document it`);
    }
  }
  assert.ok(gated >= 7, `only ${gated} plan-gated operations`);
});

test("path ids: a malformed id is 400 / 5209 naming the parameter, as documented", async () => {
  for (const o of ops) {
    for (const name of params(o.op, "path")) {
      if (["organizationId", "enterpriseId", "tokenId"].includes(name)) continue;
      const headers = isDevice(o.op) ? { "x-device-secret": "s" } : {};
      const r = await send(o, { token: admin, path: fill(o.path, { [name]: "xyz" }), headers });
      assert.equal(r.status, 400, `${o.method} ${o.path} ${name}`);
      assert.deepEqual(r.body.error.details.map((d) => d.path), [name]);
      documented(o, r, 5209);
    }
  }
});

test("body: a wrong Content-Type is 415 and an oversized body 413, as documented; none without a body", async () => {
  for (const o of ops) {
    if (!hasBody(o.op)) {
      for (const s of ["413", "415"]) {
        assert.equal(o.op.responses[s], undefined, `${o.method} ${o.path} takes no body but documents ${s}`);
      }
      continue;
    }
    const headers = isDevice(o.op) ? { "x-device-secret": "s" } : {};
    const r415 = await send(o, { token: admin, body: "{}", headers: { ...headers, "content-type": "text/plain" } });
    assert.equal(r415.status, 415, `${o.method} ${o.path}`);
    documented(o, r415, 4150);
    const big = JSON.stringify({ pad: "x".repeat(70 * 1024) });
    const r413 = await send(o, { token: admin, body: big, headers });
    assert.equal(r413.status, 413, `${o.method} ${o.path}`);
    documented(o, r413, 4130);
  }
});
