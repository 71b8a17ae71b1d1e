// schemathesis (PyPI, pinned in tests/python/requirements.txt) against the
// live GET /openapi.json of `wrangler dev` with the demo seed: every default
// check, all phases (examples, coverage, fuzzing, stateful: create → get /
// update / delete → get, following the document's links). The config and the
// reasons for its few adjustments are in tests/schemathesis/schemathesis.toml.
//
// SCHEMATHESIS_MAX_EXAMPLES (default 50 per operation, about 1.5 min) trades depth for time;
// the seed is fixed so a failure reproduces, SCHEMATHESIS_SEED varies it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, call, ROOT } from "./lib/server.mjs";

const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? "50";
const SEED = process.env.SCHEMATHESIS_SEED ?? "20261122";

let w;
before(async () => {
  w = await startWorker({ seedFile: join(ROOT, "scripts", "seed-demo.sql") });
  // OrganizationUpdate changes plans: it gets an organization of its own
  // (schemathesis.toml), so `demo` stays on the plan every other operation needs.
  const r = await call(w, "POST", "/v1/organizations", {
    token: w.token(),
    body: { name: "Plans", slug: "schemathesis-plans", plan: "pro" },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
});
after(async () => {
  await w?.stop();
});

test("GET /openapi.json is OpenAPI 3.1 and needs no token", async () => {
  const r = await call(w, "GET", "/openapi.json");
  assert.equal(r.status, 200);
  assert.equal(r.body.openapi, "3.1.0");
  assert.ok(Object.keys(r.body.paths).length >= 20);
  assert.ok(r.body.components.schemas.WinEnrollmentTokenCreate);
});

test("/openapi.json is the generated admin/openapi.json, answered by the worker's route with the API's headers", async () => {
  const res = await fetch(`${w.url}/openapi.json`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), readFileSync(join(ROOT, "admin", "openapi.json"), "utf8"));
  // The worker's JSON headers, not the static assets' (run_worker_first).
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  // The route's other answers are the API's too.
  const post = await fetch(`${w.url}/openapi.json`, { method: "POST" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET");
});

test("schemathesis finds no failure", { timeout: 1_200_000 }, async () => {
  const bin = join(ROOT, ".venv", "bin", "python");
  assert.ok(existsSync(bin), "no .venv: run scripts/install.sh (make install)");
  const token = w.token({ perms: ["*"], orgs: ["*"], ttl: 3 * 3600 });
  // tests/schemathesis/run.py: schemathesis's CLI with its parser guarded
  // for two worker threads (the file says why).
  const args = [
    join(ROOT, "tests", "schemathesis", "run.py"),
    "--config-file", join(ROOT, "tests", "schemathesis", "schemathesis.toml"),
    "run", `${w.url}/openapi.json`,
    "-H", `Authorization: Bearer ${token}`,
    "--max-examples", MAX_EXAMPLES,
    "--seed", SEED,
    "--workers", "2",
    "--no-color",
    "--generation-database", "none",
  ];
  let output = "";
  const code = await new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", resolve);
  });
  // The summary (operations, phases, checks, case counts) goes to the TAP log.
  const summary = output.slice(output.lastIndexOf("SUMMARY"));
  console.log(summary || output.slice(-4000));
  assert.equal(code, 0, `schemathesis failed:\n${output.slice(-20000)}`);
});
