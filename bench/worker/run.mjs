// make bench, part 2 and 3: the worker on local workerd (Miniflare), under wrk.
//
// In one run, one server at a time (2 cores: the load generator and workerd
// share them), each load phase WARM_S of warm-up then DURATION_S measured:
//   - an empty JS worker (the ceiling);
//   - the Rust worker (worker/build) at 1k and at 100k AOSP tokens in one organization:
//     GET list, GET one (random id), POST create, PUT device;
//   - a plain TypeScript worker (plain-worker.ts) serving the same list and GET one
//     from the same D1 file;
//   - the reads' floor (plain-worker.ts `/_floor/...`: one statement, its rows as
//     JSON, no auth), in the interleaved rounds beside the Rust worker's /health.
// Plus: EXPLAIN QUERY PLAN of the list's statements, D1 query times at 1k/100k,
// wasm sizes, and time to first response after start (Miniflare and wrangler dev).
// Prints markdown; writes bench/results/worker.{json,md}.
//
// Env: DURATION_S (4), WARM_S (1), CONNECTIONS (8), SIZES ("1000,100000"),
// INTERLEAVE (5: rounds of the interleaved phases behind the ratios to /health; 0: none),
// FLOOR_EXTRA (none: comma-separated forms of the Rust list's own batch served
// by the plain worker in the same rounds, e.g. `build1_nocase,noexp`; see
// plain-worker.ts `oursList`).
import { execFile, spawn, execFileSync } from "node:child_process";
import { copyFileSync, cpSync, statSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { mintToken } from "../../scripts/mint-token.mjs";
import { tokenId, winTokenId, ORG_SLUG, DEVICE_ID } from "./seed.mjs";
import {
  COMPAT,
  CREDENTIAL_KEYS,
  D1_ID,
  cpuMs,
  freePort,
  listed,
  makeDb as makeDbIn,
  median,
  root,
  rustWorker as rustWorkerOptions,
  startMiniflare,
} from "./servers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const execFileP = promisify(execFile);
const WRANGLER = join(root, "node_modules/.bin/wrangler");
const ESBUILD = join(root, "node_modules/.bin/esbuild");
const DURATION_S = Number(process.env.DURATION_S ?? 4);
const WARM_S = Number(process.env.WARM_S ?? 1);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const SIZES = (process.env.SIZES ?? "1000,100000").split(",").map(Number);
// Rounds of the interleaved phases behind issue 14's ratios to /health.
const INTERLEAVE = Number(process.env.INTERLEAVE ?? 5);
const SECRET = randomBytes(32).toString("hex");
const TOKEN = mintToken({ secret: SECRET, orgs: ["*"], perms: ["*"], ttl: 3600 });
// Miniflare resolves module paths below the working directory: build inside the repo.
const PLAIN_JS = join(root, "bench/.build/plain-worker.js");
// A copy of worker/build taken at the start: a build running meanwhile (other
// work in the same checkout) cannot swap the wasm under the benchmark.
const SNAPSHOT = join(root, "bench/.build/worker-snapshot");
const log = (...m) => console.error("[bench]", ...m);

const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
const work = mkdtempSync(join(tmpdir(), "mdm-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

async function makeDb(n) {
  const t = Date.now();
  const dir = await makeDbIn(work, n);
  log(`seeded ${n} tokens in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return dir;
}

// ---- servers (Miniflare = the workerd that wrangler dev runs) -------------------------
const rustWorker = (dir) => rustWorkerOptions(SNAPSHOT, dir, SECRET);
const plainWorker = (dir) => ({
  modules: true,
  scriptPath: PLAIN_JS,
  compatibilityDate: COMPAT,
  d1Databases: { DB: D1_ID },
  d1Persist: join(dir, "v3/d1"),
  bindings: { AUTH_SECRET: SECRET, ...CREDENTIAL_KEYS },
});
const emptyWorker = () => ({ modules: true, scriptPath: join(here, "empty-worker.js"), compatibilityDate: COMPAT });

async function start(options) {
  const t0 = performance.now();
  // Port 0: the runtime binds a free port itself. A port found free first
  // and bound after can be taken in between (a full run failed so once).
  const { mf, url, pids } = await startMiniflare(options);
  const port = Number(new URL(url).port);
  // First response: /health on the Rust worker, / elsewhere (any answer counts).
  const res = await fetch(url + "/health");
  await res.arrayBuffer();
  const firstMs = performance.now() - t0;
  return { mf, url, port, pids, firstMs };
}

// ---- wrk -------------------------------------------------------------------------------
function luaScript({ method = "GET", path, body, randomIds = 0, idPrefix = "be" }) {
  return `
local path = ${JSON.stringify(path)}
local n = ${randomIds}
local body = ${body === undefined ? "nil" : JSON.stringify(JSON.stringify(body))}
wrk.method = ${JSON.stringify(method)}
wrk.headers["authorization"] = "Bearer ${TOKEN}"
if body then wrk.headers["content-type"] = "application/json" end
math.randomseed(42)
request = function()
  local p = path
  if n > 0 then p = string.format(path, string.format("${idPrefix}%022x", math.random(n))) end
  return wrk.format(nil, p, nil, body)
end
ok = 0
bad = 0
firstBad = ""
response = function(status, headers, b)
  if status < 300 then ok = ok + 1 else
    bad = bad + 1
    if firstBad == "" then firstBad = status .. " " .. string.sub(b or "", 1, 160) end
  end
end
local threads = {}
setup = function(t) table.insert(threads, t) end
done = function(summary, latency, requests)
  local o, b, fb = 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); b = b + t:get("bad")
    if fb == "" then fb = t:get("firstBad") end
  end
  local bs = string.char(92)
  fb = string.gsub(string.gsub(string.gsub(fb, "%c", " "), '"', "'"), "%" .. bs, "/")
  io.write(string.format('@@{"firstBad":"%s","requests":%d,"durationUs":%d,"ok":%d,"bad":%d,"socketErrors":%d,"p50":%d,"p90":%d,"p99":%d,"mean":%f}\\n',
    fb, summary.requests, summary.duration, o, b,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
`;
}

async function wrk(url, spec, seconds) {
  const script = join(work, "phase.lua");
  writeFileSync(script, luaScript(spec));
  const { stdout } = await execFileP("wrk", ["-t1", `-c${spec.connections ?? CONNECTIONS}`, `-d${seconds}s`, "--timeout", "10s", "-s", script, url], {
    maxBuffer: 1 << 20,
  });
  const line = stdout.split("\n").find((l) => l.startsWith("@@"));
  const r = JSON.parse(line.slice(2));
  return { ...r, rps: r.requests / (r.durationUs / 1e6), p50ms: r.p50 / 1000, p90ms: r.p90 / 1000, p99ms: r.p99 / 1000 };
}

async function probe(url, spec, keep = 300) {
  const path = spec.randomIds ? spec.path.replace("%s", spec.idPrefix === "bf" ? winTokenId(1) : tokenId(1)) : spec.path;
  const headers = { authorization: `Bearer ${TOKEN}` };
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url + path, {
    method: spec.method ?? "GET",
    headers,
    body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
  });
  const text = await res.text();
  return { status: res.status, text: text.slice(0, keep), bytes: text.length };
}

const results = [];
/** The interleaved rounds behind the ratios to /health (`interleaved`). */
let turns;

/**
 * Issue 14's ratios to /health, measured in turn: `/health`, the list and
 * GET one, one phase each per round, INTERLEAVE rounds, the order rotated
 * each round; a goal is the median over the rounds of each round's ratio
 * (`perRound`). Each kind's best round divided by another's let one fast
 * `/health` round set every ratio (BENCHMARKS.md 0r). The phases above run
 * once each, one after another, so
 * a burst of other load during one moves the ratio it enters: `/health`
 * alone moved between 188 and 438 req/s from phase to phase in the A/B runs
 * of BENCHMARKS.md, section 0d. Each round also counts the work a request
 * costs (`workerdCpu`), which that noise moves much less.
 */
async function interleaved(url, specs) {
  const kinds = Object.keys(specs);
  const rounds = Object.fromEntries(kinds.map((k) => [k, []]));
  // A spec with its own `url` is served by another server (the floor's),
  // and counts the CPU of its own `pids` only.
  const at = (spec) => spec.url ?? url;
  for (const spec of Object.values(specs)) if (WARM_S > 0) await wrk(at(spec), spec, WARM_S);
  for (let r = 0; r < INTERLEAVE; r++) {
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[(i + r) % kinds.length];
      const before = cpuMs(specs[k].pids);
      const x = await wrk(at(specs[k]), specs[k], DURATION_S);
      // NaN when its workerd exited meanwhile.
      const ms = cpuMs(specs[k].pids) - before;
      // A round with failed requests, or whose workerd changed under it,
      // counts neither its req/s nor its work.
      const clean = x.bad + x.socketErrors === 0 && Number.isFinite(ms);
      if (!clean) log(`interleaved ${k}: round ${r + 1} not counted (${x.bad} non-2xx, ${x.socketErrors} socket errors, workerd CPU ${ms})`);
      rounds[k].push({ ...x, rps: clean ? x.rps : NaN, cpuMs: clean ? ms / x.requests : NaN });
    }
  }
  const cpuMedians = {};
  for (const [k, runs] of Object.entries(rounds)) {
    cpuMedians[k] = median(runs.map((x) => x.cpuMs));
    log(`interleaved ${k}: ${runs.map((x) => x.rps.toFixed(0)).join(", ")} req/s; ` +
      `workerd CPU ${runs.map((x) => x.cpuMs.toFixed(2)).join(", ")} ms per request`);
  }
  return { cpuMs: cpuMedians, rps: Object.fromEntries(Object.entries(rounds).map(([k, runs]) => [k, runs.map((x) => x.rps)])) };
}

async function phase(server, label, url, spec, note = "") {
  const p = await probe(url, spec);
  // A phase measures the answer it expects: a 2xx, or `spec.expect` (the gates-only 400).
  const expected = spec.expect === undefined ? p.status < 300 : p.status === spec.expect;
  if (!expected) {
    log(`${server} ${label}: probe answered ${p.status}: ${p.text}`);
    results.push({ server, label, skipped: `HTTP ${p.status}: ${p.text.slice(0, 160)}` });
    return;
  }
  if (WARM_S > 0) await wrk(url, spec, WARM_S);
  const r = await wrk(url, spec, DURATION_S);
  log(`${server} ${label}: ${r.rps.toFixed(0)} req/s p50 ${r.p50ms.toFixed(2)} ms p99 ${r.p99ms.toFixed(2)} ms (${r.bad} non-2xx${r.firstBad ? ", first: " + r.firstBad : ""})`);
  results.push({ server, label, ...r, responseBytes: p.bytes, note });
}

const ORG = `/v1/organizations/${ORG_SLUG}`;
const ME = "GET /v1/me (JWT check, rate limiter, one D1 SELECT of the organizations)";
const GATES = "GET one with a malformed id (JWT check, rate limiter, cached organization, 400 before any D1)";
// The AOSP routes of the issue; the Windows token routes (same list code in the
// worker: routes/list.rs) stand in when the AOSP ones are not built yet
// (BENCH_RESOURCE=aosp|windows forces one).
const RESOURCES = {
  aosp: {
    name: "AOSP enrollment tokens",
    list: { path: `${ORG}/mdm/aosp/enterprise/enrollment-tokens` },
    getOne: (n) => ({ path: `${ORG}/mdm/aosp/enterprise/enrollment-tokens/%s`, randomIds: n, idPrefix: "be" }),
    create: { method: "POST", path: `${ORG}/mdm/aosp/enterprise/enrollment-tokens`, body: { displayName: "bench", duration: 3600, tags: ["bench"] } },
    write: {
      label: "PUT device",
      method: "PUT",
      path: `${ORG}/mdm/aosp/enterprise/devices/${DEVICE_ID}`,
      body: { displayName: "Bench device", tags: ["bench", "load"], segmentId: 1 },
    },
    table: "aosp_enrollment_tokens",
    where: "organization_id = ?1 AND status IN ('PENDING','PROCESSING','DONE','EXPIRED')",
    // The list's total since issue 14 (migration 0011): the organization's
    // counters, not COUNT(*) (kept below for comparison).
    extra: {
      "total from org_counts (the list's)":
        "SELECT COALESCE((SELECT SUM(n) FROM org_counts WHERE organization_id = ?1 AND kind = 'aosp_enrollment_tokens' AND status IN ('PENDING','PROCESSING','DONE','EXPIRED')), 0) AS n",
    },
  },
  windows: {
    name: "Windows enrollment tokens",
    list: { path: `${ORG}/mdm/windows/enterprise/enrollment-tokens` },
    getOne: (n) => ({ path: `${ORG}/mdm/windows/enterprise/enrollment-tokens/%s`, randomIds: n, idPrefix: "bf" }),
    create: { method: "POST", path: `${ORG}/mdm/windows/enterprise/enrollment-tokens`, body: { displayName: "bench", duration: 3600, tags: ["bench"] } },
    write: {
      label: "PUT Windows token",
      method: "PUT",
      path: `${ORG}/mdm/windows/enterprise/enrollment-tokens/${winTokenId(1)}`,
      body: { displayName: "Bench token", tags: ["bench", "load"] },
    },
    table: "win_enrollment_tokens",
    where: "organization_id = ?1 AND state IN ('PENDING','DONE','EXPIRED')",
    extra: {
      "total from org_counts (the list's)":
        "SELECT COALESCE((SELECT SUM(n) FROM org_counts WHERE organization_id = ?1 AND kind = 'win_enrollment_tokens' AND status IN ('PENDING','DONE','EXPIRED')), 0) AS n",
    },
  },
};
let R; // the chosen resource

// ---- query plans and D1 times ---------------------------------------------------------
const queries = () => ({
  ...R.extra,
  "COUNT(*) (the list's total before issue 14)": `SELECT COUNT(*) AS n FROM ${R.table} WHERE ${R.where}`,
  page: `SELECT * FROM ${R.table} WHERE ${R.where} ORDER BY created_at DESC, id DESC LIMIT 10 OFFSET 0`,
});
async function queryPlans(mf, n) {
  const QUERIES = queries();
  const db = await mf.getD1Database("DB");
  const out = { n, plans: {}, ms: {} };
  const org = (await db.prepare("SELECT id FROM organizations WHERE slug = 'demo'").first()).id;
  for (const [k, sql] of Object.entries(QUERIES)) {
    const plan = await db.prepare("EXPLAIN QUERY PLAN " + sql).bind(org).all();
    out.plans[k] = plan.results.map((r) => r.detail);
    // Server-side duration D1 reports (meta.duration, whole ms), mean of 30.
    let sum = 0;
    for (let i = 0; i < 30; i++) sum += (await db.prepare(sql).bind(org).all()).meta.duration;
    out.ms[k] = sum / 30;
  }
  return out;
}

// ---- wrangler dev start-up -------------------------------------------------------------
async function wranglerDevFirstResponse(dir) {
  const port = await freePort();
  const t0 = performance.now();
  // The repository's wrangler.toml runs the [build] command first (a cargo build
  // when sources changed); this copy serves the built worker as it is, so the
  // number is wrangler dev's own start-up (what a developer waits for after an
  // edit-free restart).
  const config = join(root, "bench/.build/wrangler.toml");
  writeFileSync(config, [
    `name = "mdm-edge-bench"`,
    `main = "worker-snapshot/index.js"`,
    `compatibility_date = "${COMPAT}"`,
    `[[d1_databases]]`,
    `binding = "DB"`,
    `database_name = "mdm-edge"`,
    `database_id = "${D1_ID}"`,
    ``,
  ].join("\n"));
  const child = spawn(
    WRANGLER,
    ["dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir, "--var", `AUTH_SECRET:${SECRET}`,
      "--show-interactive-dev-session=false"],
    { cwd: root, env, detached: true, stdio: "ignore" },
  );
  let ms = null;
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          ms = performance.now() - t0;
          break;
        }
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await new Promise((r) => setTimeout(r, 1500));
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
  return ms;
}

// ---- sizes -----------------------------------------------------------------------------
function sizes() {
  const files = {
    "npm package wasm (pkg/dist/mdm_wasm_bg.wasm)": join(root, "pkg/dist/mdm_wasm_bg.wasm"),
    "npm package JS glue (pkg/dist/mdm_wasm.js)": join(root, "pkg/dist/mdm_wasm.js"),
    "worker wasm (worker/build/index_bg.wasm)": join(SNAPSHOT, "index_bg.wasm"),
    "worker JS shim (worker/build/index.js)": join(SNAPSHOT, "index.js"),
    "worker floor wasm (bench/worker-floor: workers-rs, the three entry points, no routes)": join(root, "bench/.build/worker-floor/index_bg.wasm"),
    "plain TS worker bundle (esbuild)": PLAIN_JS,
  };
  const out = {};
  for (const [k, f] of Object.entries(files)) {
    if (!existsSync(f)) continue;
    const b = readFileSync(f);
    out[k] = { raw: b.length, gzip: gzipSync(b, { level: 9 }).length };
  }
  return out;
}

// ---- main ------------------------------------------------------------------------------
execFileSync(ESBUILD, [join(here, "plain-worker.ts"), "--bundle", "--format=esm", "--target=es2022", "--log-level=warning",
  `--outfile=${PLAIN_JS}`]);
// Copy once the build has been still for 5 s (not while worker-build writes it).
for (let i = 0; i < 60; i++) {
  const age = Date.now() - statSync(join(root, "worker/build/index_bg.wasm")).mtimeMs;
  if (age > 5000) break;
  await new Promise((r) => setTimeout(r, 1000));
}
rmSync(SNAPSHOT, { recursive: true, force: true });
mkdirSync(SNAPSHOT, { recursive: true });
for (const f of ["index.js", "index_bg.wasm"]) copyFileSync(join(root, "worker/build", f), join(SNAPSHOT, f));
const loadStart = loadavg()[0];
const startup = {};
const plans = [];
let d1Rtt = null;

log("empty worker");
{
  const s = await start(emptyWorker());
  startup["empty JS worker (Miniflare)"] = s.firstMs;
  await phase("empty JS worker", "GET (constant)", s.url, { path: "/" });
  await s.mf.dispose();
}

const dbs = {};
for (const n of SIZES) dbs[n] = await makeDb(n);
// The floor's server runs beside the Rust worker's (interleaved rounds): its
// own copy of the first database, taken while no server has it open.
const floorDb = `${dbs[SIZES[0]]}-floor`;
cpSync(dbs[SIZES[0]], floorDb, { recursive: true });

// Which resource: the AOSP routes when the built worker has them.
{
  const forced = process.env.BENCH_RESOURCE;
  if (forced) R = RESOURCES[forced];
  else {
    const s = await start(rustWorker(dbs[SIZES[0]]));
    const p = await probe(s.url, RESOURCES.aosp.list);
    await s.mf.dispose();
    R = p.status === 404 && p.text.includes("4040") ? RESOURCES.windows : RESOURCES.aosp;
    if (R !== RESOURCES.aosp) log("the built worker has no AOSP token routes (404 4040): measuring the Windows token routes");
  }
}

for (const n of SIZES) {
  const size = n >= 1000 ? `${n / 1000}k` : String(n);
  {
    const s = await start(plainWorker(dbs[n]));
    startup[`plain TS worker (Miniflare)`] ??= s.firstMs;
    if (n === SIZES[0]) {
      const rtt = [];
      for (let i = 0; i < 5; i++) rtt.push((await (await fetch(s.url + "/_d1rtt")).json()).msPerQuery);
      d1Rtt = Math.min(...rtt);
      log(`one D1 round trip (SELECT 1, idle): ${d1Rtt.toFixed(2)} ms`);
    }
    await phase(`plain TS worker @${size}`, "GET list", s.url, R.list);
    await phase(`plain TS worker @${size}`, "GET one", s.url, R.getOne(n));
    await phase(`plain TS worker @${size}`, "GET list, statements in one db.batch", s.url, { path: R.list.path + "?_batch=1" });
    await s.mf.dispose();
  }
  {
    const s = await start(rustWorker(dbs[n]));
    startup[`Rust worker (Miniflare), ${size} tokens`] = s.firstMs;
    {
      const first = await probe(s.url, R.list, 1 << 20);
      const items = listed(first.text);
      if (items !== 10) throw new Error(`the list answered ${first.status} with ${items} items, not 10: ${first.text.slice(0, 300)}`);
    }
    if (n === SIZES[0]) {
      // The Rust/wasm request path with one trivial D1 query (/health), and with the JWT check but no D1 (/v1/me).
      await phase(`Rust worker`, "GET /health (one D1 SELECT 1, no auth)", s.url, { path: "/health" });
      await phase(`Rust worker`, ME, s.url, { path: "/v1/me" });
      // Every gate of a GET and no D1: the organization is cached by the
      // reads before, and a malformed id is refused (400) before the handler.
      await phase(`Rust worker`, GATES, s.url, { path: `${R.list.path}/not-an-id`, expect: 400 });
    }
    await phase(`Rust worker @${size}`, "GET list", s.url, R.list);
    await phase(`Rust worker @${size}`, "GET list, 1 connection", s.url, { ...R.list, connections: 1 });
    await phase(`Rust worker @${size}`, "GET one", s.url, R.getOne(n));
    if (n === SIZES[0] && INTERLEAVE > 0) {
      const ours = s.pids;
      const specs = { health: { path: "/health", pids: ours }, list: { ...R.list, pids: ours }, one: { ...R.getOne(n), pids: ours } };
      // The physical floor of the two reads (plain-worker.ts, `floor`), in the
      // same rounds, from its own copy of this database: one statement and its
      // rows as JSON, no auth, no organization, no mapping; and its worker's
      // /health, to compare the two workers' fixed cost per request.
      const floor = R === RESOURCES.aosp ? await start(plainWorker(floorDb)) : null;
      if (floor) {
        const pids = floor.pids;
        const forms = [
          ["floorHealth", "/_floor/health", 1],
          ["floorList", "/_floor/aosp/list", 10],
          ["floorListRaw", "/_floor/aosp/list-raw", 10],
          ["floorListSqlite", "/_floor/aosp/list-sqlite", 10],
          ["floorOne", "/_floor/aosp/one/%s", 1],
          // FLOOR_EXTRA: forms of the Rust list's own batch (plain-worker.ts, `oursList`).
          ...(process.env.FLOOR_EXTRA ? process.env.FLOOR_EXTRA.split(",").map((f) => [`ours-${f}`, `/_floor/aosp/ours-${f}`, 10]) : []),
        ];
        for (const [k, path, items] of forms) {
          const spec = { url: floor.url, path, pids, ...(k === "floorOne" ? { randomIds: n, idPrefix: "be" } : {}) };
          const p = await probe(floor.url, spec, 1 << 20);
          // A list floor that read no rows (a seed that moved) is no floor.
          const got = p.status !== 200 ? 0 : items === 1 ? 1 : listed(p.text);
          if (got === items) specs[k] = spec;
          else log(`floor ${path}: probe answered ${p.status} with ${got} items, not ${items}: ${p.text.slice(0, 300)}`);
        }
      }
      turns = await interleaved(s.url, specs);
      await floor?.mf.dispose();
    }
    plans.push(await queryPlans(s.mf, n));
    // Writes last: creates add tokens to this database.
    await phase(`Rust worker @${size}`, "POST create", s.url, R.create);
    await phase(`Rust worker @${size}`, R.write.label, s.url, R.write);
    await s.mf.dispose();
  }
}

log("wrangler dev start-up");
startup["Rust worker (wrangler dev, build up to date)"] = await wranglerDevFirstResponse(dbs[SIZES[0]]);
const loadEnd = loadavg()[0];

// ---- report ----------------------------------------------------------------------------
const lines = [];
const out = (s = "") => lines.push(s);
const f0 = (x) => (x === undefined || x === null ? "–" : x.toFixed(0));
const f2 = (x) => (x === undefined || x === null ? "–" : x.toFixed(2));
const find = (server, label) => results.find((r) => r.server === server && r.label === label && !r.skipped);
out(`Resource: **${R.name}** (\`${R.list.path}\`), ${SIZES.join(" and ")} of them in one organization.`);
out();
out(`### Worker on local workerd (Miniflare ${JSON.parse(readFileSync(join(root, "node_modules/miniflare/package.json"))).version}), wrk -t1 -c${CONNECTIONS}, ${DURATION_S} s per phase after ${WARM_S} s warm-up; load average ${loadStart.toFixed(2)} → ${loadEnd.toFixed(2)}`);
out();
out("| server | request | req/s | p50 ms | p90 ms | p99 ms | non-2xx | response bytes |");
out("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  if (r.skipped) out(`| ${r.server} | ${r.label} | not measured: ${r.skipped.replace(/\|/g, "\\|")} | | | | | |`);
  else out(`| ${r.server} | ${r.label} | ${f0(r.rps)} | ${f2(r.p50ms)} | ${f2(r.p90ms)} | ${f2(r.p99ms)} | ${r.bad + r.socketErrors} | ${r.responseBytes} |`);
}
out();
const empty = find("empty JS worker", "GET (constant)");
const targets = [];
if (SIZES.length >= 2) {
  const [small, big] = SIZES.map((n) => (n >= 1000 ? `${n / 1000}k` : String(n)));
  out(`Ratios (same run):`);
  out();
  out("| ratio | value | target |");
  out("|---|---|---|");
  for (const label of ["GET /health (one D1 SELECT 1, no auth)", ME, GATES]) {
    const r = find("Rust worker", label);
    if (r && empty) out(`| Rust ${label} req/s ÷ empty worker | ${(100 * r.rps / empty.rps).toFixed(0)}% | (the wasm request path) |`);
  }
  for (const size of [small, big]) {
    const pb = find(`plain TS worker @${size}`, "GET list, statements in one db.batch");
    const pl0 = find(`plain TS worker @${size}`, "GET list");
    if (pb && pl0) out(`| plain TS list @${size}: one db.batch ÷ separate statements (req/s) | ${(pb.rps / pl0.rps).toFixed(2)}× | (what batching would give) |`);
    if (pb && empty) out(`| plain TS list @${size} batched req/s ÷ empty worker | ${(100 * pb.rps / empty.rps).toFixed(0)}% | (comparison) |`);

    const rl = find(`Rust worker @${size}`, "GET list");
    const pl = find(`plain TS worker @${size}`, "GET list");
    if (rl && empty) {
      const v = rl.rps / empty.rps;
      out(`| Rust list @${size} req/s ÷ empty worker req/s | ${(100 * v).toFixed(0)}% | ≥ 60% ${v >= 0.6 ? "✅" : "❌"} |`);
      targets.push({ name: `list @${size} vs empty`, value: v, target: 0.6, ok: v >= 0.6 });
    }
    if (rl && pl) out(`| Rust list @${size} req/s ÷ plain TS list req/s | ${(rl.rps / pl.rps).toFixed(2)}× | (comparison) |`);
    const rg = find(`Rust worker @${size}`, "GET one");
    const pg = find(`plain TS worker @${size}`, "GET one");
    if (rg && pg) out(`| Rust GET one @${size} req/s ÷ plain TS req/s | ${(rg.rps / pg.rps).toFixed(2)}× | (comparison) |`);
  }
  for (const label of ["GET list", "GET list, 1 connection", "GET one", "POST create", R.write.label]) {
    for (const [which, key] of [["p50", "p50ms"], ["p99", "p99ms"]]) {
      const a = find(`Rust worker @${small}`, label);
      const b = find(`Rust worker @${big}`, label);
      if (!a || !b) continue;
      const v = b[key] / a[key];
      out(`| ${label} ${which} @${big} ÷ @${small} | ${v.toFixed(2)}× | ≤ 1.3× ${v <= 1.3 ? "✅" : "❌"} |`);
      targets.push({ name: `${label} ${which} ${big}/${small}`, value: v, target: 1.3, ok: v <= 1.3 });
    }
  }
  for (const label of ["GET list", "GET one"]) {
    const a = find(`plain TS worker @${small}`, label);
    const b = find(`plain TS worker @${big}`, label);
    if (a && b) out(`| plain TS ${label} p50 @${big} ÷ @${small} | ${(b.p50ms / a.p50ms).toFixed(2)}× | (comparison) |`);
  }
  out();  // Issue 14's goals for the worker: against what a JS team would write (the
  // plain TS worker, its statements batched) and against the physical floor
  // (the Rust worker's own /health: one D1 round trip, no auth).
  const health = find("Rust worker", "GET /health (one D1 SELECT 1, no auth)");
  // `floor`: the same ratio with the physical floor's read in place of ours
  // (plain-worker.ts `floor`), when it was measured: the best any worker's
  // read could reach against this /health.
  const goal = (name, value, target, atLeast, floor) => {
    if (value === undefined || Number.isNaN(value)) return;
    const ok = atLeast ? value >= target : value <= target;
    const by = ok ? "" : atLeast ? `short by ${((1 - value / target) * 100).toFixed(0)}%` : `${((value / target - 1) * 100).toFixed(0)}% over`;
    targets.push({ issue: 14, name, value, target, atLeast, ok, by, ...(floor ? { floor } : {}) });
  };
  const rl = find(`Rust worker @${small}`, "GET list");
  const pb = find(`plain TS worker @${small}`, "GET list, statements in one db.batch");
  const rg = find(`Rust worker @${small}`, "GET one");
  const l1a = find(`Rust worker @${small}`, "GET list, 1 connection");
  const l1b = find(`Rust worker @${big}`, "GET list, 1 connection");
  if (rl && pb) goal(`list @${small} req/s ÷ the plain TS worker, batched`, rl.rps / pb.rps, 1.2, true);
  // Measured in turn when they were (`interleaved`), else from the phases above.
  const inTurn = turns ? `, median of the interleaved rounds' ratios` : "";
  // Kind `a`'s req/s ÷ kind `b`'s, round by round, the median over the
  // rounds (a round that did not count is NaN, and left out).
  const perRound = (a, b) => median(turns.rps[a].map((x, r) => x / turns.rps[b][r]));
  // The list's floor is the cheapest of its three forms (rows stringified as
  // objects or as arrays, or the page's JSON built by SQLite): by req/s the
  // one with the highest median ratio to our /health, by work the cheaper,
  // each on its own. `fixedCost`: the floor worker's /health ÷ ours,
  // by req/s and by work; a floor whose own worker costs more per request
  // than ours bounds nothing (bench/summary.mjs).
  const floorOf = (...kinds) => {
    const runs = kinds.map((k) => turns?.rps[k] && { kind: k, vsHealth: perRound(k, "health"), cpuMs: turns.cpuMs[k] });
    const fast = runs.filter((r) => r && Number.isFinite(r.vsHealth));
    const cheap = runs.filter((r) => r && Number.isFinite(r.cpuMs));
    if (!fast.length || !cheap.length || !turns?.rps.floorHealth) return undefined;
    const fixedRps = perRound("floorHealth", "health");
    if (!Number.isFinite(fixedRps)) return undefined;
    const f = fast.reduce((a, b) => (b.vsHealth > a.vsHealth ? b : a));
    const c = cheap.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
    return {
      value: f.vsHealth,
      kind: f.kind,
      cpuRatio: turns.cpuMs.health / c.cpuMs,
      cpuKind: c.kind,
      fixedCost: { rps: fixedRps, cpu: turns.cpuMs.health / turns.cpuMs.floorHealth },
    };
  };
  const listRatio = turns ? perRound("list", "health") : rl && health && rl.rps / health.rps;
  const oneRatio = turns ? perRound("one", "health") : rg && health && rg.rps / health.rps;
  goal(`list @${small} req/s ÷ the worker's own /health (one D1 round trip${inTurn})`, listRatio, 0.6, true, floorOf("floorList", "floorListRaw", "floorListSqlite"));
  goal(`GET one @${small} req/s ÷ /health${inTurn}`, oneRatio, 0.8, true, floorOf("floorOne"));
  if (l1a && l1b) goal(`list p50 @${big} ÷ @${small} (1 connection)`, l1b.p50ms / l1a.p50ms, 1.3, false);
  out();
  out("Issue 14's goals for the worker (same run):");
  out();
  if (turns) {
    // (No counted round: no figure.)
    const best = (k) => {
      const counted = turns.rps[k].filter(Number.isFinite);
      return counted.length ? Math.max(...counted) : NaN;
    };
    const bestOver = (k) => (Number.isFinite(best(k) / best("health")) ? `${(best(k) / best("health")).toFixed(2)}×` : "–");
    out(`Interleaved rounds for the ratios to /health (req/s per round, @${small}): ` +
      Object.entries(turns.rps).map(([k, v]) => `${k} ${v.map((x) => x.toFixed(0)).join(", ")}`).join("; ") +
      // What the goals were before 0r: each kind's best round over /health's.
      `. Best round ÷ best round: list ${bestOver("list")}, GET one ${bestOver("one")}.`);
    out(`workerd CPU per request (median of the rounds): ` +
      Object.entries(turns.cpuMs).map(([k, v]) => `${k} ${v.toFixed(2)} ms`).join(", ") +
      `; /health's ÷ the list's ${(turns.cpuMs.health / turns.cpuMs.list).toFixed(2)}×, ÷ GET one's ${(turns.cpuMs.health / turns.cpuMs.one).toFixed(2)}× ` +
      "(the goals' ratios, counted in work rather than in req/s).");
    out();
  }
  out("| goal | measured | target | verdict | by how much | the floor's read in place of ours |");
  out("|---|---|---|---|---|---|");
  for (const t of targets.filter((t) => t.issue === 14)) {
    const fl = t.floor
      ? `${t.floor.value.toFixed(2)}× (${t.floor.kind}; by work ${t.floor.cpuRatio.toFixed(2)}×, ${t.floor.cpuKind}); ` +
        `its worker's /health ÷ ours ${t.floor.fixedCost.rps.toFixed(2)}× (by work, our CPU ÷ its: ${t.floor.fixedCost.cpu.toFixed(2)}×)`
      : "";
    out(`| ${t.name} | ${t.value.toFixed(2)}× | ${t.atLeast ? "≥" : "≤"} ${t.target}× | ${t.ok ? "✅ met" : "❌ missed"} | ${t.by} | ${fl} |`);
  }
  out();
}
out("Time to first response after start (ms):");
out();
out("| server | ms |");
out("|---|---|");
for (const [k, v] of Object.entries(startup)) out(`| ${k} | ${f0(v)} |`);
out();
out("Sizes (bytes; gzip -9):");
out();
out("| file | raw | gzip |");
out("|---|---|---|");
const sz = sizes();
for (const [k, v] of Object.entries(sz)) out(`| ${k} | ${v.raw} | ${v.gzip} |`);
const pkgWasm = sz["npm package wasm (pkg/dist/mdm_wasm_bg.wasm)"];
if (pkgWasm) {
  const ok = pkgWasm.gzip <= 40_000;
  out();
  out(`npm package wasm gzipped: ${(pkgWasm.gzip / 1000).toFixed(1)} kB, target ≤ 40 kB ${ok ? "✅" : `❌ (${((pkgWasm.gzip / 40_000 - 1) * 100).toFixed(0)}% over)`}`);
  targets.push({ name: "package wasm gzip", value: pkgWasm.gzip, target: 40000, ok });
}
out();
out(`One D1 round trip in local workerd (\`SELECT 1\` from a worker, idle server, best of 5 × mean of 50): **${f2(d1Rtt)} ms**.`);
out();
out("The list's statements (D1 `meta.duration`, mean of 30, and `EXPLAIN QUERY PLAN`):");
out();
out("| tokens | statement | ms | plan |");
out("|---|---|---|---|");
const QUERIES = queries();
for (const p of plans) for (const k of Object.keys(QUERIES)) out(`| ${p.label ?? p.n} | ${k} | ${f2(p.ms[k])} | ${p.plans[k].join("; ")} |`);
out();
out("```sql");
for (const [k, sql] of Object.entries(QUERIES)) out(`-- ${k}\n${sql};`);
out("```");
console.log(lines.join("\n"));
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(join(root, "bench/results/worker.json"),
  JSON.stringify({ resource: R.name, d1Rtt, interleaved: turns && { rps: turns.rps, cpuMs: turns.cpuMs }, durationS: DURATION_S, warmS: WARM_S, connections: CONNECTIONS, loadStart, loadEnd, results, startup, sizes: sz, plans, targets }, null, 2) + "\n");
writeFileSync(join(root, "bench/results/worker.md"), lines.join("\n") + "\n");
