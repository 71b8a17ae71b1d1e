// A deployment that forgot ENROLLMENT_HOST's https://: enrollment links are
// refused (a logged 500) rather than sent to devices in cleartext.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, call } from "./lib/server.mjs";
import { client, assertError } from "./lib/fixtures.mjs";

let w, api;
before(async () => {
  w = await startWorker({ vars: { ENVIRONMENT: "production", ENROLLMENT_HOST: "http://mdm.example.com" } });
  api = client(w, w.token());
  await api.org("deployed");
});
after(async () => {
  await w?.stop();
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
