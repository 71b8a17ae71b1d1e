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

test("GET /health answers the success envelope after a D1 round trip", async () => {
  const r = await call(w, "GET", "/health");
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: true, data: { ok: true } });
  assert.match(r.headers.get("content-type"), /^application\/json/);
});

test("migrations created every table", async () => {
  const rows = await w.sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  const names = rows.map((r) => r.name);
  for (const t of ["organizations", "segments", "mdm_users", "aosp_policies", "win_policies", "dpc_builds",
    "aosp_enrollment_tokens", "aosp_devices", "win_enrollment_tokens", "win_devices", "google_enrollment_tokens"]) {
    assert.ok(names.includes(t), `missing table ${t}`);
  }
});

test("the cron trigger sweeps overdue PENDING tokens to EXPIRED", async () => {
  const now = Date.now();
  await w.sql(`
    INSERT INTO organizations (id, slug, name, plan, aos_enterprise_id, win_enterprise_id, enterprise_id, created_at, updated_at)
    VALUES ('aa0000000000000000000001', 'sweep-org', 'Sweep', 'pro', 'aa00000000000000000000a1', 'aa00000000000000000000b1', 'aa00000000000000000000c1', ${now}, ${now});
    INSERT INTO aosp_enrollment_tokens (id, organization_id, aos_enterprise_id, value_key, perpetual, expires_at, created_at, updated_at) VALUES
      ('aa0000000000000000000011', 'aa0000000000000000000001', 'aa00000000000000000000a1', 'v-overdue', 0, ${now - 1000}, ${now}, ${now}),
      ('aa0000000000000000000012', 'aa0000000000000000000001', 'aa00000000000000000000a1', 'v-live', 0, ${now + 3_600_000}, ${now}, ${now}),
      ('aa0000000000000000000013', 'aa0000000000000000000001', 'aa00000000000000000000a1', 'v-perpetual', 1, NULL, ${now}, ${now});
    INSERT INTO win_enrollment_tokens (id, organization_id, win_enterprise_id, enroll_code_key, expires_at, created_at, updated_at) VALUES
      ('aa0000000000000000000021', 'aa0000000000000000000001', 'aa00000000000000000000b1', 'CODE-OVERDUE', ${now - 1000}, ${now}, ${now});
  `);
  const res = await w.fetch("/__scheduled?cron=*/5+*+*+*+*");
  assert.equal(res.status, 200, await res.text());
  const rows = await w.sql("SELECT id, status FROM aosp_enrollment_tokens ORDER BY id");
  assert.deepEqual(rows.map((r) => r.status), ["EXPIRED", "PENDING", "PENDING"]);
  const win = await w.sql("SELECT state FROM win_enrollment_tokens");
  assert.deepEqual(win.map((r) => r.state), ["EXPIRED"]);
});
