// Webhooks (contract: "Webhooks"), over real HTTP against wrangler dev, whose
// Miniflare runs the queue: a loopback receiver run by this file gets the
// deliveries, and every one is verified with the official Standard Webhooks
// library (npm `standardwebhooks`), as a subscriber would.
// - events: device.enrolled and enrollmentToken.consumed (an enrollment),
//   device.stateChanged (a status report, an administrator's action), enrollmentToken.deleted (AOSP,
//   Windows, Google), enrollmentToken.expired (the cron), ping (test);
// - a receiver that fails twice then answers 200: three attempts listed, one
//   acknowledgement, the retries spaced by WEBHOOK_RETRY_DELAYS (2 s, twice,
//   here); one that always fails is dead-lettered after its third attempt;
//   one that never answers has its attempt recorded without a status;
// - a disabled subscription gets nothing;
// - URL rules: https only, http to loopback in development; private and
//   reserved addresses refused outside development (a second worker);
// - the secret is shown once, never read back, and not in D1 in plaintext.
//
// WEBHOOK_DELIVERY_SAMPLE=<path> writes one delivery, headers and body as
// received, to that file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { writeFile } from "node:fs/promises";
import { Webhook } from "standardwebhooks";
import { call, startWorker } from "./lib/server.mjs";
import { client, enroll, violations } from "./lib/fixtures.mjs";

const ORG = "hooks";
const HOOKS = `/v1/organizations/${ORG}/webhooks`;
const TOKENS = `/v1/organizations/${ORG}/mdm/aosp/enterprise/enrollment-tokens`;
const ALL_EVENTS = [
  "device.enrolled",
  "device.stateChanged",
  "enrollmentToken.consumed",
  "enrollmentToken.expired",
  "enrollmentToken.deleted",
];

/** A loopback HTTP server that records every request; `/flaky/<n>` fails its first n requests with 500. */
async function startReceiver() {
  const received = [];
  const seen = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const path = req.url;
      if (path === "/hang") {
        received.push({ path, at: Date.now(), status: null, method: req.method, rawHeaders: req.rawHeaders, headers: req.headers, body: "" });
        return; // never answers: the worker's 10 s timeout ends the attempt
      }
      const count = (seen.get(path) ?? 0) + 1;
      seen.set(path, count);
      const failures = Number(/^\/flaky\/(\d+)/.exec(path)?.[1] ?? 0);
      const status = count <= failures ? 500 : 200;
      received.push({ path, at: Date.now(), status, method: req.method, rawHeaders: req.rawHeaders, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status === 200 ? "ok" : "not now");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return { base, received, close };
}

// Seconds between attempts here (the default schedule spans ~40 hours).
// Longer than the queue's 1 s batch timeout, so the gaps below show that
// Miniflare honours a retry's delaySeconds.
const RETRY_DELAY_S = Number(process.env.WEBHOOK_TEST_DELAY_S ?? 2);

let w, api, rx, org;
before(async () => {
  rx = await startReceiver();
  // Two retries: a receiver that never answers 2xx is dead-lettered after its third attempt.
  w = await startWorker({ vars: { WEBHOOK_RETRY_DELAYS: `${RETRY_DELAY_S},${RETRY_DELAY_S}` } });
  api = client(w, w.token());
  org = await api.org(ORG);
});
after(async () => {
  await w?.stop();
  await rx?.close();
});

/** Poll until `predicate(received)` holds (the queue delivers within seconds). */
async function until(what, predicate, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = predicate(rx.received);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`no ${what} within ${timeoutMs} ms; received: ${JSON.stringify(rx.received.map((r) => [r.path, r.body]))}\n${w.output().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A subscription's deliveries, oldest first, once at least `n` attempts are listed. */
async function attempts(hook, n, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await api.get(`${HOOKS}/${hook.id}/deliveries?sort=at:asc`);
    if (listed.items.length >= n) return listed;
    assert.ok(Date.now() < deadline, `${listed.items.length} attempts listed, not ${n}: ${JSON.stringify(listed.items)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A subscription's secret by id, from its create answer. */
const secrets = new Map();
async function subscribe(path, events, extra = {}) {
  const hook = await api.post(HOOKS, { url: `${rx.base}${path}`, events, ...extra });
  secrets.set(hook.id, hook.secret);
  return hook;
}

/** Deliveries to `path`, each verified with standardwebhooks against its subscription's secret. */
function verified(path, secret) {
  const wh = new Webhook(secret);
  return rx.received
    .filter((r) => r.path === path)
    .map((r) => ({ ...r, payload: wh.verify(r.body, r.headers) }));
}

test("secret: shown once as whsec_ + 32 bytes, never read back, sealed in D1", async () => {
  const hook = await subscribe("/secret", ["device.enrolled"]);
  assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(hook.secret.slice(6), "base64").length, 32);
  assert.deepEqual(hook.events, ["device.enrolled"]);
  assert.equal(hook.enabled, true);
  const got = await api.get(`${HOOKS}/${hook.id}`);
  assert.equal(got.secret, undefined);
  assert.equal(got.url, hook.url);
  const listed = await api.get(HOOKS);
  assert.ok(listed.items.some((h) => h.id === hook.id));
  assert.ok(listed.items.every((h) => h.secret === undefined));
  const [row] = await w.sql(`SELECT * FROM webhooks WHERE id = '${hook.id}'`);
  const stored = JSON.stringify(row);
  assert.ok(!stored.includes(hook.secret.slice(6)), "the secret's base64 is stored");
  assert.ok(!stored.includes(Buffer.from(hook.secret.slice(6), "base64").toString("hex")), "the key's hex is stored");
  assert.match(row.secret_sealed, /^k1\.[A-Za-z0-9_-]+$/);
  // The create's audit event names the subscription, never the secret.
  const events = await api.get(`/v1/organizations/${ORG}/audit-events?targetId=${hook.id}`);
  assert.equal(events.items.length, 1);
  assert.equal(events.items[0].action, "admin.webhook.create");
  assert.ok(!JSON.stringify(events.items).includes(hook.secret.slice(6)));
  await api.del(`${HOOKS}/${hook.id}`);
  assert.equal((await api.call("GET", `${HOOKS}/${hook.id}`)).status, 404);
});

test("an enrollment delivers device.enrolled and enrollmentToken.consumed, signed", async () => {
  const hook = await subscribe("/enrolled", ["device.enrolled", "enrollmentToken.consumed"]);
  const token = await api.token(ORG, { displayName: "one-time" });
  const r = await enroll(w, token.config.oneTimeToken, "SN-HOOK");
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const deviceId = r.body.data.aosDeviceId;
  await until("enrollment deliveries", (all) => all.filter((x) => x.path === "/enrolled").length >= 2);
  const got = verified("/enrolled", hook.secret);
  const byType = Object.fromEntries(got.map((d) => [d.payload.type, d]));
  assert.deepEqual(Object.keys(byType).sort(), ["device.enrolled", "enrollmentToken.consumed"]);
  const enrolled = byType["device.enrolled"];
  assert.equal(enrolled.payload.data.deviceId, deviceId);
  assert.equal(enrolled.payload.data.enrollmentTokenId, token.id);
  assert.equal(enrolled.payload.data.platform, "aosp");
  assert.ok(!Number.isNaN(Date.parse(enrolled.payload.timestamp)));
  assert.match(enrolled.headers["webhook-id"], /^msg_[0-9a-f]{24}$/);
  assert.match(enrolled.headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/);
  assert.equal(enrolled.headers["content-type"], "application/json");
  assert.equal(byType["enrollmentToken.consumed"].payload.data.enrollmentTokenId, token.id);
  // A tampered body does not verify: the check above could fail.
  assert.throws(() => new Webhook(hook.secret).verify(enrolled.body.replace(deviceId, "x"), enrolled.headers));
  // Each delivery is one attempt, listed.
  const listed = await api.get(`${HOOKS}/${hook.id}/deliveries`);
  assert.equal(listed.items.length, 2);
  for (const d of listed.items) {
    assert.equal(d.status, "delivered");
    assert.equal(d.attempt, 1);
    assert.equal(d.responseStatus, 200);
    assert.equal(d.webhookId, hook.id);
  }
  if (process.env.WEBHOOK_DELIVERY_SAMPLE) {
    const lines = [`${enrolled.method} ${enrolled.path} HTTP/1.1`];
    for (let i = 0; i < enrolled.rawHeaders.length; i += 2) lines.push(`${enrolled.rawHeaders[i]}: ${enrolled.rawHeaders[i + 1]}`);
    await writeFile(process.env.WEBHOOK_DELIVERY_SAMPLE, `${lines.join("\n")}\n\n${enrolled.body}\n`);
  }
});

test("deleting a token delivers enrollmentToken.deleted; a disabled subscription gets nothing", async () => {
  const live = await subscribe("/deleted", ["enrollmentToken.deleted"]);
  const off = await subscribe("/off-at-create", ["enrollmentToken.deleted"], { enabled: false });
  assert.equal(off.enabled, false);
  const later = await subscribe("/off-later", ALL_EVENTS);
  assert.equal((await api.put(`${HOOKS}/${later.id}`, { enabled: false })).enabled, false);
  const token = await api.token(ORG, { displayName: "to-delete" });
  await api.del(`${TOKENS}/${token.id}`);
  await until("enrollmentToken.deleted", (all) => all.some((x) => x.path === "/deleted"));
  const [d] = verified("/deleted", live.secret);
  assert.equal(d.payload.type, "enrollmentToken.deleted");
  assert.equal(d.payload.data.enrollmentTokenId, token.id);
  // The test's own ping (queued after the delete) arriving first proves the
  // queue has moved past the delete's messages.
  await api.post(`${HOOKS}/${live.id}/test`, undefined, 200);
  await until("the ping after the delete", (all) => all.filter((x) => x.path === "/deleted").length >= 2);
  assert.equal(rx.received.filter((x) => x.path.startsWith("/off-")).length, 0);
  for (const hook of [off, later]) {
    assert.equal((await api.get(`${HOOKS}/${hook.id}/deliveries`)).items.length, 0);
  }
});

test("a status report or an administrator's action that moves the device delivers device.stateChanged; Windows and Google deletions deliver too", async () => {
  const hook = await subscribe("/more", ["device.stateChanged", "enrollmentToken.deleted"]);
  const token = await api.token(ORG, { displayName: "state" });
  const enrolled = await enroll(w, token.config.oneTimeToken, "SN-STATE");
  assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
  const { aosDeviceId, deviceSecret } = enrolled.body.data;
  const report = () =>
    call(w, "POST", `/v1/devices/aosp/${aosDeviceId}/status`, { body: { policyCompliant: true }, headers: { "x-device-secret": deviceSecret } });
  // Eight racing reports: one moves the device, the others find it ACTIVE
  // already, and only the move is an event (the state before is read in the
  // UPDATE's batch). Reports in one millisecond once made two events.
  // Eight connections open first, so the reports likely reach the worker together.
  await Promise.all(Array.from({ length: 8 }, () => call(w, "GET", "/health")));
  const racing = await Promise.all(Array.from({ length: 8 }, report));
  assert.deepEqual(racing.map((r) => r.status), Array(8).fill(200));
  assert.equal((await report()).status, 200); // ACTIVE already: moves nothing, no event
  // An administrator's actions move it too: disable, then delete.
  const device = `/v1/organizations/${ORG}/mdm/aosp/enterprise/devices/${aosDeviceId}`;
  await api.post(`${device}/disable`, undefined, 200);
  assert.equal((await api.call("POST", `${device}/disable`)).status, 409); // refused: no event
  await api.del(device);
  const win = await api.post(`/v1/organizations/${ORG}/mdm/windows/enterprise/enrollment-tokens`, {});
  await api.del(`/v1/organizations/${ORG}/mdm/windows/enterprise/enrollment-tokens/${win.id}`);
  const google = await api.call("POST", `/v1/enterprises/${org.enterpriseId}/enrollmentTokens`, { body: {} });
  assert.equal(google.status, 200, JSON.stringify(google.body));
  const googleId = google.body.name.split("/").pop();
  assert.equal((await api.call("DELETE", `/v1/enterprises/${org.enterpriseId}/enrollmentTokens/${googleId}`)).status, 200);
  await until("five deliveries", (all) => all.filter((x) => x.path === "/more").length >= 5);
  // The ping queued last arriving means nothing else is still on its way.
  await api.post(`${HOOKS}/${hook.id}/test`, undefined, 200);
  await until("the ping", (all) => all.some((x) => x.path === "/more" && x.body.includes('"ping"')));
  const got = verified("/more", hook.secret).map((d) => d.payload).filter((p) => p.type !== "ping");
  const summary = got.map((p) => [p.type, p.data.platform, p.data.deviceId ?? p.data.enrollmentTokenId, p.data.from, p.data.to]);
  assert.deepEqual(summary.sort(), [
    ["device.stateChanged", "aosp", aosDeviceId, "ACTIVE", "DISABLED"],
    ["device.stateChanged", "aosp", aosDeviceId, "DISABLED", "DELETED"],
    ["device.stateChanged", "aosp", aosDeviceId, "PROVISIONING", "ACTIVE"],
    ["enrollmentToken.deleted", "google", googleId, undefined, undefined],
    ["enrollmentToken.deleted", "windows", win.id, undefined, undefined],
  ]);
});

test("another organization's webhook is a 404 on every route", async () => {
  await api.org("hooks-other");
  const theirs = await api.post("/v1/organizations/hooks-other/webhooks", { url: `${rx.base}/theirs`, events: ["device.enrolled"] });
  for (const [method, suffix, body] of [
    ["GET", ""],
    ["PUT", "", { enabled: false }],
    ["DELETE", ""],
    ["GET", "/deliveries"],
    ["POST", "/test"],
  ]) {
    const r = await api.call(method, `${HOOKS}/${theirs.id}${suffix}`, { body });
    assert.equal(r.status, 404, `${method} ${suffix}: ${JSON.stringify(r.body)}`);
  }
  assert.equal((await api.get(`/v1/organizations/hooks-other/webhooks/${theirs.id}`)).enabled, true);
  assert.ok(!(await api.get(HOOKS)).items.some((h) => h.id === theirs.id));
});

test("the cron's expiry delivers enrollmentToken.expired", async () => {
  const hook = await subscribe("/expired", ["enrollmentToken.expired"]);
  const token = await api.token(ORG, { duration: 60, displayName: "to-expire" });
  await w.sql(`UPDATE aosp_enrollment_tokens SET expires_at = 1000 WHERE id = '${token.id}'`);
  const r = await w.fetch("/__scheduled?cron=*/5+*+*+*+*");
  assert.equal(r.status, 200);
  await r.text();
  await until("enrollmentToken.expired", (all) => all.some((x) => x.path === "/expired"));
  const got = verified("/expired", hook.secret);
  assert.equal(got.length, 1);
  assert.equal(got[0].payload.type, "enrollmentToken.expired");
  assert.equal(got[0].payload.data.enrollmentTokenId, token.id);
});

test("a receiver that fails twice, then answers 200: three attempts, one acknowledgement", async () => {
  const hook = await subscribe("/flaky/2", ["enrollmentToken.deleted"]);
  const token = await api.token(ORG, { displayName: "flaky" });
  await api.del(`${TOKENS}/${token.id}`);
  await until("the third attempt", (all) => all.filter((x) => x.path === "/flaky/2").length >= 3);
  const got = verified("/flaky/2", hook.secret);
  assert.deepEqual(got.map((d) => d.status), [500, 500, 200]);
  // One message: the same webhook-id every attempt.
  assert.equal(new Set(got.map((d) => d.headers["webhook-id"])).size, 1);
  // Each retry waited WEBHOOK_RETRY_DELAYS' delay at least (a lower bound:
  // the delay is behaviour; how much longer it took is not asserted).
  for (const i of [1, 2]) {
    const gap = got[i].at - got[i - 1].at;
    assert.ok(gap >= RETRY_DELAY_S * 1000 - 100, `attempt ${i + 1} came ${gap} ms after attempt ${i}`);
  }
  // The last attempt's row is written just after its answer.
  const listed = await attempts(hook, 3);
  assert.deepEqual(
    listed.items.map((d) => [d.attempt, d.status, d.responseStatus, d.event]),
    [
      [1, "failed", 500, "enrollmentToken.deleted"],
      [2, "failed", 500, "enrollmentToken.deleted"],
      [3, "delivered", 200, "enrollmentToken.deleted"],
    ],
  );
  assert.equal(new Set(listed.items.map((d) => d.messageId)).size, 1);
  // Acknowledged: nothing more arrives after the 200.
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(rx.received.filter((x) => x.path === "/flaky/2").length, 3);
  // Paged with the shared list code.
  const page = await api.get(`${HOOKS}/${hook.id}/deliveries?limit=2&page=2&sort=at:asc`);
  assert.equal(page.totalDocs, 3);
  assert.deepEqual(page.items.map((d) => d.attempt), [3]);
});

test("a receiver that never answers 2xx: when the schedule is spent, the last attempt is dead-lettered", async () => {
  const hook = await subscribe("/flaky/99", ["enrollmentToken.deleted"]);
  const token = await api.token(ORG, { displayName: "dead" });
  await api.del(`${TOKENS}/${token.id}`);
  await until("the third attempt", (all) => all.filter((x) => x.path === "/flaky/99").length >= 3);
  const listed = await attempts(hook, 3);
  assert.deepEqual(
    listed.items.map((d) => [d.attempt, d.status, d.responseStatus]),
    [
      [1, "failed", 500],
      [2, "failed", 500],
      [3, "deadLettered", 500],
    ],
  );
  // Off the delivery queue: no fourth attempt after another delay.
  await new Promise((r) => setTimeout(r, (RETRY_DELAY_S + 2) * 1000));
  assert.equal(rx.received.filter((x) => x.path === "/flaky/99").length, 3);
  assert.equal((await api.get(`${HOOKS}/${hook.id}/deliveries`)).totalDocs, 3);
});

test("a receiver that does not answer: the attempt ends at the timeout, recorded without a status", async () => {
  const hook = await subscribe("/hang", ["device.enrolled"]);
  await api.post(`${HOOKS}/${hook.id}/test`, undefined, 200);
  await until("the hanging request", (all) => all.some((x) => x.path === "/hang"));
  const [first] = (await attempts(hook, 1, 30_000)).items;
  assert.deepEqual([first.attempt, first.status, first.responseStatus, first.event], [1, "failed", null, "ping"]);
  // No more deliveries to it in this file.
  await api.del(`${HOOKS}/${hook.id}`);
});

test("test sends a ping, even to a disabled subscription", async () => {
  const hook = await subscribe("/ping", ["device.enrolled"], { enabled: false });
  const sent = await api.post(`${HOOKS}/${hook.id}/test`, undefined, 200);
  assert.equal(sent.event, "ping");
  await until("the ping", (all) => all.some((x) => x.path === "/ping"));
  const [d] = verified("/ping", hook.secret);
  assert.equal(d.payload.type, "ping");
  assert.equal(d.payload.data.webhookId, hook.id);
  assert.equal(d.headers["webhook-id"], sent.messageId);
  const events = await api.get(`/v1/organizations/${ORG}/audit-events?targetId=${hook.id}&action=admin.webhook.test`);
  assert.equal(events.items.length, 1);
});

test("bodies: every violation listed, unknown fields refused", async () => {
  const r = await api.call("POST", HOOKS, {
    body: { url: "", events: ["device.enrolled", "nope", "device.enrolled"], enabled: "yes", secret: "whsec_x" },
  });
  assert.deepEqual(violations(r), [
    ["url", "minLength"],
    ["events[1]", "enum"],
    ["enabled", "type"],
    ["secret", "unknownField"],
    ["events[2]", "enum"],
  ]);
  const hook = await subscribe("/put", ["device.enrolled"]);
  assert.deepEqual(violations(await api.call("PUT", `${HOOKS}/${hook.id}`, { body: { events: [] } })), [["events", "required"]]);
  const moved = await api.put(`${HOOKS}/${hook.id}`, { events: ["device.stateChanged"], url: `${rx.base}/moved` });
  assert.deepEqual(moved.events, ["device.stateChanged"]);
  assert.equal(moved.url, `${rx.base}/moved`);
});

test("URL rules in development: https anywhere, http only to loopback", async () => {
  const refused = (url) => api.call("POST", HOOKS, { body: { url, events: ["device.enrolled"] } });
  for (const url of ["http://hooks.example.com/x", "http://10.0.0.1/x", "ftp://127.0.0.1/x", "127.0.0.1/x", "https://2130706433/"]) {
    assert.deepEqual(violations(await refused(url)), [["url", "format"]], url);
  }
  for (const url of ["https://hooks.example.com/x", "http://localhost:9/x", "http://[::1]:9/x", "https://10.0.0.1/x"]) {
    await api.post(HOOKS, { url, events: ["device.enrolled"] });
  }
  const hook = await subscribe("/rule", ["device.enrolled"]);
  assert.deepEqual(violations(await api.call("PUT", `${HOOKS}/${hook.id}`, { body: { url: "http://example.com" } })), [["url", "format"]]);
});

test("URL rules outside development: no private, loopback or reserved address", async () => {
  const prod = await startWorker({ vars: { ENVIRONMENT: "production" } });
  try {
    const p = client(prod, prod.token());
    await p.org("prod");
    const create = (url) => p.call("POST", "/v1/organizations/prod/webhooks", { body: { url, events: ["device.enrolled"] } });
    for (const url of [
      "http://127.0.0.1:9/x",
      "https://127.0.0.1/x",
      "https://10.1.2.3/x",
      "https://172.16.0.1/x",
      "https://192.168.1.1/x",
      "https://169.254.169.254/latest",
      "https://100.64.0.1/x",
      "https://0.0.0.0/x",
      "https://[::1]/x",
      "https://[fd00::1]/x",
      "https://[fe80::1]/x",
      "https://localhost/x",
      "https://api.localhost/x",
    ]) {
      assert.deepEqual(violations(await create(url)), [["url", "format"]], url);
    }
    for (const url of ["https://hooks.example.com/x", "https://172.32.0.1/x", "https://8.8.8.8/x"]) {
      const r = await create(url);
      assert.equal(r.status, 201, `${url}: ${JSON.stringify(r.body)}`);
    }
  } finally {
    await prod.stop();
  }
});
