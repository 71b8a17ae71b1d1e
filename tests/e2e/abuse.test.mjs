// Abuse limits through the Workers Rate Limiting binding, run by Miniflare
// under wrangler dev (limits from wrangler.toml: 300 failed device-side
// attempts per IP and 1,200 authenticated requests per credential, each in
// 60 s). Clients are told apart by CF-Connecting-IP, as Cloudflare sets it.
// Requests go 20-25 at a time: larger bursts sometimes lose wrangler dev's
// proxy connection to workerd (503 "Your worker restarted mid-request", or
// no answer), which the worker never gives.
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

// Miniflare counts in fixed windows aligned to the wall clock (a new bucket
// every full minute), so a burst that straddles a minute boundary is counted
// in two windows and may never reach the limit. A test that must reach it
// starts with at least `seconds` left in the current window.
async function freshWindow(seconds) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 250));
}

const enrollFrom = (ip, token) =>
  call(w, "POST", "/v1/enroll/aosp", {
    body: { token, device: { serialNumber: "SN" } },
    headers: { "cf-connecting-ip": ip },
  });

test("400 failed enrollments from one IP bring 429s; other IPs, a CORS origin and an admin session are unaffected", { timeout: 180_000 }, async () => {
  const attacker = "203.0.113.7";
  await freshWindow(40);
  const statuses = [];
  for (let i = 0; i < 400; i += 20) {
    const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => enrollFrom(attacker, `no-such-token-${i + j}`)));
    statuses.push(...batch.map((r) => r.status));
  }
  const limited = statuses.filter((s) => s === 429).length;
  const tally = JSON.stringify(statuses.reduce((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {}));
  assert.ok(statuses.every((s) => s === 404 || s === 429), tally);
  assert.ok(statuses.slice(0, 250).every((s) => s === 404), `the first failures are plain 404s: ${tally}`);
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
  await freshWindow(40); // all 320 in one window, or the test proves nothing
  for (let i = 0; i < 320; i += 20) {
    const batch = await Promise.all(Array.from({ length: 20 }, () => enrollFrom(ip, token.config.oneTimeToken)));
    assert.ok(batch.every((r) => r.status === 201), JSON.stringify(batch.map((r) => r.status)));
  }
});

test("a credential past 1,200 requests a minute gets 429 / 4290; another credential does not", { timeout: 300_000 }, async () => {
  const busy = w.token({ sub: "busy" });
  await freshWindow(45);
  let limited = null;
  // Under load, wrangler dev's proxy very rarely leaves a request of such a
  // burst unanswered (measured: 1 to 2 in 4,000 at 50 in flight with the CPU
  // saturated, none on a quiet machine; workerd never logs it). Such a
  // request is counted here, named in the failure, and tolerated up to 3:
  // the limiter, not the proxy, is this test's subject.
  const lost = [];
  for (let i = 0; i < 1300 && !limited; i += 25) {
    const settled = await Promise.allSettled(
      Array.from({ length: 25 }, () => call(w, "GET", "/v1/me", { token: busy, timeoutMs: 10_000 })),
    );
    const batch = settled.filter((r) => r.status === "fulfilled").map((r) => r.value);
    lost.push(...settled.filter((r) => r.status === "rejected").map((r) => r.reason.message));
    limited = batch.find((r) => r.status === 429) ?? null;
    assert.ok(batch.every((r) => r.status === 200 || r.status === 429), JSON.stringify(batch.map((r) => r.status)));
  }
  assert.ok(lost.length <= 3, `unanswered: ${lost.join("; ")}`);
  assert.ok(limited, `no 429 after 1,300 requests (${lost.length} unanswered)`);
  assertError(limited, 429, 4290);
  assert.equal(limited.headers.get("retry-after"), "60");
  assert.equal((await call(w, "GET", "/v1/me", { token: w.token({ sub: "calm" }) })).status, 200);
});
