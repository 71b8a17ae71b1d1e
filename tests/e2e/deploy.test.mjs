// A deployment that forgot ENROLLMENT_HOST's https://: enrollment links are
// refused (a logged 500) rather than sent to devices in cleartext. One that
// left ENROLLMENT_HOST empty: every platform's links use the request's origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, assertError } from "./lib/fixtures.mjs";

let w, api, unset;
before(async () => {
  [w, unset] = await Promise.all([
    startWorker({ vars: { ENVIRONMENT: "production", ENROLLMENT_HOST: "http://mdm.example.com" } }),
    startWorker({ vars: { ENROLLMENT_HOST: "" } }),
  ]);
  api = client(w, w.token());
  await api.org("deployed");
});
after(async () => {
  await Promise.all([w?.stop(), unset?.stop()]);
});

test("outside development an http:// ENROLLMENT_HOST is a logged 500, never a cleartext link", async () => {
  for (const path of [
    "/v1/organizations/deployed/mdm/aosp/enterprise/enrollment-tokens",
    "/v1/organizations/deployed/mdm/windows/enterprise/enrollment-tokens",
  ]) {
    const r = await api.call("POST", path, { body: {} });
    assertError(r, 500, 5000);
    assert.doesNotMatch(JSON.stringify(r.body), /http:\/\//);
  }
  await new Promise((ok) => setTimeout(ok, 300));
  assert.match(w.output(), /ENROLLMENT_HOST must be an https:\/\/ origin/);
  // Nothing that needs no link is affected.
  assert.equal((await api.call("GET", "/v1/organizations/deployed/segments")).status, 200);
});

test("the refused creates wrote nothing (a retry cannot make duplicates)", async () => {
  // Read from D1 itself: every answer that shows a token's links is refused too.
  for (const table of ["aosp_enrollment_tokens", "win_enrollment_tokens"]) {
    const [{ n }] = await w.sql(`SELECT COUNT(*) AS n FROM ${table}`);
    assert.equal(n, 0, table);
  }
});

test("ENROLLMENT_HOST left empty: AOSP and Windows links both use the request's origin, never an empty host", async () => {
  const u = client(unset, unset.token());
  await u.org("unset");
  const aosp = await u.post("/v1/organizations/unset/mdm/aosp/enterprise/enrollment-tokens", {});
  assert.equal(aosp.config.enrollmentHost, unset.url);
  const win = await u.post("/v1/organizations/unset/mdm/windows/enterprise/enrollment-tokens", {});
  const q = new URLSearchParams(win.enrollmentLink.split("?")[1]);
  assert.equal(q.get("servername"), `${unset.url}/EnrollmentServer/Discovery.svc`);
});
