import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { ApiError, MdmClient, ValidationError } from "@mdm-edge/client";

// A stand-in API: records each request and answers from `reply`.
const seen = [];
let reply = () => ({ status: 200, body: { status: true, data: null } });
let server;
let baseUrl;

before(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const r = { method: req.method, url: req.url, headers: req.headers, body: text };
      seen.push(r);
      const out = reply(r);
      res.writeHead(out.status, { "content-type": out.type ?? "application/json", ...(out.headers ?? {}) });
      res.end(typeof out.body === "string" ? out.body : JSON.stringify(out.body));
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

const client = () => new MdmClient({ baseUrl: `${baseUrl}/`, token: "jwt.t.s", organization: "acme" });

test("sends the bearer token and JSON, returns the envelope's data", async () => {
  seen.length = 0;
  const token = { id: "65a1b2c3d4e5f60718293a4b", status: "PENDING" };
  reply = () => ({ status: 200, body: { status: true, data: token } });
  const got = await client().createAospEnrollmentToken({ displayName: "Lobby", duration: 600 });
  assert.deepEqual(got, token);
  const [r] = seen;
  assert.equal(r.method, "POST");
  assert.equal(r.url, "/v1/organizations/acme/mdm/aosp/enterprise/enrollment-tokens");
  assert.equal(r.headers.authorization, "Bearer jwt.t.s");
  assert.equal(r.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(r.body), { displayName: "Lobby", duration: 600 });
});

test("an API key is sent as the bearer; the identity routes have their paths", async () => {
  seen.length = 0;
  const key = { id: "65a1b2c3d4e5f60718293a4b", name: "ci", key: "mdme_new" };
  reply = () => ({ status: 200, body: { status: true, data: key } });
  const c = new MdmClient({ baseUrl, apiKey: "mdme_abc", organization: "acme" });
  assert.deepEqual(await c.createApiKey({ name: "ci", permissions: ["mdm.aosp.*"] }), key);
  await c.revokeApiKey(key.id);
  await c.createMember({ email: "ann@acme.com", role: "viewer" });
  await c.me();
  assert.deepEqual(
    seen.map((r) => [r.method, r.url, r.headers.authorization]),
    [
      ["POST", "/v1/organizations/acme/api-keys", "Bearer mdme_abc"],
      ["DELETE", `/v1/organizations/acme/api-keys/${key.id}`, "Bearer mdme_abc"],
      ["POST", "/v1/organizations/acme/members", "Bearer mdme_abc"],
      ["GET", "/v1/me", "Bearer mdme_abc"],
    ],
  );
});

test("an invalid body throws ValidationError without a request", async () => {
  seen.length = 0;
  await assert.rejects(
    client().createAospEnrollmentToken({ duration: 59, tags: [""] }),
    (e) => {
      assert.ok(e instanceof ValidationError && e instanceof ApiError);
      assert.deepEqual([e.status, e.code, e.message, e.local], [400, 5209, "Invalid input", true]);
      assert.deepEqual(
        e.details.map((v) => [v.path, v.code]),
        [
          ["duration", "min"],
          ["tags[0]", "minLength"],
        ],
      );
      return true;
    },
  );
  await assert.rejects(client().updateAospDevice("65a1b2c3d4e5f60718293a4b", { policyId: "zz" }), ValidationError);
  await assert.rejects(client().createWinEnrollmentToken({ sendEmail: true }), ValidationError);
  await assert.rejects(client().listAospEnrollmentTokens({ limit: 500 }), ValidationError);
  assert.equal(seen.length, 0);
});

test("error envelopes become ApiError with code, message and details", async () => {
  const details = [{ path: "mdmUserId", code: "reference", message: "does not exist" }];
  reply = () => ({ status: 400, body: { status: false, error: { code: 5209, message: "Invalid input", details } } });
  await assert.rejects(client().createAospEnrollmentToken({ mdmUserId: "65a1b2c3d4e5f60718293a4b" }), (e) => {
    assert.ok(e instanceof ApiError && !(e instanceof ValidationError));
    assert.deepEqual([e.status, e.code, e.message, e.details], [400, 5209, "Invalid input", details]);
    return true;
  });
  reply = () => ({ status: 404, body: { status: false, error: { code: 3001, message: "Entity not found" } } });
  await assert.rejects(client().getAospEnrollmentToken("65a1b2c3d4e5f60718293a4b"), (e) => {
    assert.deepEqual([e.status, e.code, e.message, e.details], [404, 3001, "Entity not found", []]);
    return true;
  });
  reply = () => ({ status: 502, type: "text/html", body: "<html>bad gateway</html>" });
  await assert.rejects(client().me(), (e) => e instanceof ApiError && e.status === 502 && e.code === 0);
});

test("lists send the checked query string; ids are path-encoded", async () => {
  seen.length = 0;
  const page = { items: [], totalDocs: 0, limit: 5, hasPrevPage: false, hasNextPage: false, page: 2, totalPages: 1, prevPage: 1, nextPage: null };
  reply = () => ({ status: 200, body: { status: true, data: page } });
  assert.deepEqual(await client().listWinEnrollmentTokens({ page: 2, limit: 5, status: "DONE" }), page);
  await client().listAospDevices();
  await client().deleteWinEnrollmentToken("a/b");
  assert.deepEqual(
    seen.map((r) => `${r.method} ${r.url}`),
    [
      "GET /v1/organizations/acme/mdm/windows/enterprise/enrollment-tokens?page=2&limit=5&status=DONE",
      "GET /v1/organizations/acme/mdm/aosp/enterprise/devices",
      "DELETE /v1/organizations/acme/mdm/windows/enterprise/enrollment-tokens/a%2Fb",
    ],
  );
  assert.equal(seen[0].headers["content-type"], undefined);
  await assert.rejects(new MdmClient({ baseUrl }).listAospDevices(), TypeError);
});

test("the client sends back the latest x-d1-bookmark the API answered with", async () => {
  seen.length = 0;
  let n = 0;
  reply = () => ({ status: 200, body: { status: true, data: null }, headers: { "x-d1-bookmark": `bm-${++n}` } });
  const c = client();
  await c.me();
  await c.me();
  assert.equal(seen[0].headers["x-d1-bookmark"], undefined);
  assert.equal(seen[1].headers["x-d1-bookmark"], "bm-1");
  assert.equal(c.bookmark, "bm-2");
});
