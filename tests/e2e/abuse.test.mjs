// Abuse limits through the Workers Rate Limiting binding, run by Miniflare
// under wrangler dev (limits from wrangler.toml: 300 failed device-side
// attempts per IP and 1,200 authenticated requests per credential, each in
// 60 s). Clients are told apart by CF-Connecting-IP, as Cloudflare sets it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, assertError } from "./lib/fixtures.mjs";

let w, api;
const LISTED = "https://dash.example.com";
before(async () => {
  w = await startWorker({ vars: { RATE_LIMITS: "on", CORS_ORIGINS: LISTED } });
  api = client(w, w.token());
  await api.org("abuse");
});
after(async () => {
  await w?.stop();
});

const enrollFrom = (ip, token) =>
  call(w, "POST", "/v1/enroll/aosp", {
    body: { token, device: { serialNumber: "SN" } },
    headers: { "cf-connecting-ip": ip },
  });

test("400 failed enrollments from one IP bring 429s; other IPs, a CORS origin and an admin session are unaffected", { timeout: 180_000 }, async () => {
  const attacker = "203.0.113.7";
  const statuses = [];
  for (let i = 0; i < 400; i += 20) {
    const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => enrollFrom(attacker, `no-such-token-${i + j}`)));
    statuses.push(...batch.map((r) => r.status));
  }
  const limited = statuses.filter((s) => s === 429).length;
  assert.ok(statuses.slice(0, 250).every((s) => s === 404), "the first failures are plain 404s");
  assert.ok(limited >= 90, `only ${limited} of 400 were limited`);
  const r = await enrollFrom(attacker, "still-no-such-token");
  assertError(r, 429, 4290);
  assert.ok(Number(r.headers.get("retry-after")) >= 1);

  // Even a good token is refused from the blocked IP until the window passes.
  const token = await api.token("abuse", { perpetual: true });
  assertError(await enrollFrom(attacker, token.config.oneTimeToken), 429, 4290);
  // Another device elsewhere enrolls.
  assert.equal((await enrollFrom("198.51.100.20", token.config.oneTimeToken)).status, 201);
  // The administrator and a listed browser origin are not limited.
  assert.equal((await api.call("GET", "/v1/organizations/abuse/mdm/aosp/enterprise/enrollment-tokens")).status, 200);
  const cors = await call(w, "GET", "/v1/organizations/abuse/segments", {
    token: w.token(),
    headers: { origin: LISTED, "cf-connecting-ip": attacker },
  });
  assert.equal(cors.status, 200);
  assert.equal(cors.headers.get("access-control-allow-origin"), LISTED);
});

test("successful enrollments do not count toward the IP's limit", { timeout: 180_000 }, async () => {
  const ip = "198.51.100.77";
  const token = await api.token("abuse", { perpetual: true });
  for (let i = 0; i < 320; i += 40) {
    const batch = await Promise.all(Array.from({ length: 40 }, () => enrollFrom(ip, token.config.oneTimeToken)));
    assert.ok(batch.every((r) => r.status === 201), JSON.stringify(batch.map((r) => r.status)));
  }
});

test("a credential past 1,200 requests a minute gets 429 / 4290; another credential does not", { timeout: 180_000 }, async () => {
  const busy = w.token({ sub: "busy" });
  let limited = null;
  for (let i = 0; i < 1300 && !limited; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, () => call(w, "GET", "/v1/me", { token: busy })));
    limited = batch.find((r) => r.status === 429) ?? null;
    assert.ok(batch.every((r) => r.status === 200 || r.status === 429));
  }
  assert.ok(limited, "no 429 after 1,300 requests");
  assertError(limited, 429, 4290);
  assert.equal(limited.headers.get("retry-after"), "60");
  assert.equal((await call(w, "GET", "/v1/me", { token: w.token({ sub: "calm" }) })).status, 200);
});
