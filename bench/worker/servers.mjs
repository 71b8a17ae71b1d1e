// What the worker benches share (run.mjs, profile.mjs, ab.mjs): a seeded local
// D1, the Rust worker's Miniflare options, a free port, a Miniflare started
// with its one workerd found, that workerd's CPU, the read routes and the
// check that a list's page is full.
import { Miniflare } from "miniflare";
import { execFile, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { procStat } from "../../scripts/proc-stat.mjs";
import { seedSql, tokenId } from "./seed.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const COMPAT = "2025-11-01";
export const D1_ID = "00000000-0000-0000-0000-000000000000"; // wrangler.toml's database_id
export const CREDENTIAL_KEYS = {
  CREDENTIAL_LOOKUP_KEY: Buffer.alloc(32, 7).toString("base64"),
  CREDENTIAL_SEAL_KEYS: `k1:${Buffer.alloc(32, 9).toString("base64")}`,
};

const execFileP = promisify(execFile);
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

async function wrangler(args) {
  try {
    return await execFileP(join(root, "node_modules/.bin/wrangler"), args, { cwd: root, env, maxBuffer: 64 << 20, timeout: 300_000 });
  } catch (e) {
    throw new Error(`wrangler ${args.join(" ")}:\n${e.stdout}\n${e.stderr}`);
  }
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** A local D1 under `work`, migrated, with the demo seed and `n` AOSP tokens (seed.mjs); its directory. */
export async function makeDb(work, n) {
  const dir = join(work, `d1-${n}`);
  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", dir]);
  const sql = join(work, `seed-${n}.sql`);
  writeFileSync(sql, readFileSync(join(root, "scripts/seed-demo.sql"), "utf8") + seedSql(n));
  await wrangler(["d1", "execute", "DB", "--local", "--persist-to", dir, "--file", sql]);
  return dir;
}

/** Miniflare options for the Rust worker built in `buildDir`, on the D1 in `dbDir`. */
export const rustWorker = (buildDir, dbDir, secret) => ({
  modules: true,
  scriptPath: join(buildDir, "index.js"),
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: true }],
  compatibilityDate: COMPAT,
  d1Databases: { DB: D1_ID },
  d1Persist: join(dbDir, "v3/d1"),
  // A loopback http:// enrollment host is allowed only in development.
  bindings: { AUTH_SECRET: secret, ...CREDENTIAL_KEYS, ENROLLMENT_HOST: "http://127.0.0.1:8787", ENVIRONMENT: "development" },
  // The rate limiters production has (wrangler.toml), with limits no phase
  // reaches: each request consults them as it would deployed, and the worker
  // does not log a missing binding on every request.
  ratelimits: {
    API_LIMITER: { simple: { limit: 1_000_000_000, period: 60 } },
    DEVICE_FAILURE_LIMITER: { simple: { limit: 1_000_000_000, period: 60 } },
  },
});

/** The AOSP token list, its first token (no longer live: no sealed value opened) and `/health`. */
export const TOKENS = "/v1/organizations/demo/mdm/aosp/enterprise/enrollment-tokens";
export const READS = { health: "/health", list: TOKENS, one: `${TOKENS}/${tokenId(1)}` };

/**
 * How many items a list's answer `text` holds (0 for anything else). A list
 * that read no rows measures nothing: a wrong count once gave an empty page
 * that looked fast (BENCHMARKS.md 0i), so the benches ask for a full one.
 */
export function listed(text) {
  try {
    const items = JSON.parse(text)?.data?.items;
    return Array.isArray(items) ? items.length : 0;
  } catch {
    return 0;
  }
}

/** The workerd processes this process started (one per Miniflare). */
export function workerdPids() {
  return execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)])
    .toString()
    .split("\n")
    .filter((l) => l.includes("workerd"))
    .map((l) => l.trim().split(/\s+/)[0]);
}

const MS_PER_TICK = 1000 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

/** CPU time (user + system, ms) of `pids`; NaN once one has exited (a count across a restart is no count). */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = procStat(pid);
    if (!fields) return NaN;
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
  }
  return ticks * MS_PER_TICK;
}

/** The median of the numbers that are not NaN: the validation benches' own. */
export { median } from "../validation/timing.mjs";

/**
 * A Miniflare for `options` on `port` (any free one when 0), ready, with the
 * pid of the one workerd it started: its CPU is that server's alone, even
 * with another server up. None found would count no CPU at all.
 */
export async function startMiniflare(options, port = 0) {
  const before = workerdPids();
  const mf = new Miniflare({ ...options, host: "127.0.0.1", port });
  let url;
  try {
    url = (await mf.ready).toString().replace(/\/$/, "");
  } catch (e) {
    // A runtime that did not start must not outlive the attempt.
    await mf.dispose().catch(() => {});
    throw e;
  }
  const pids = workerdPids().filter((p) => !before.includes(p));
  if (pids.length !== 1) {
    await mf.dispose();
    throw new Error(`${pids.length} new workerd processes for one Miniflare, not 1`);
  }
  return { mf, url, pids };
}

/** A wrk script, written in `dir`, that sends `token` as a bearer. */
export function bearerScript(dir, token) {
  const path = join(dir, "auth.lua");
  writeFileSync(path, `wrk.headers["authorization"] = "Bearer ${token}"\n`);
  return path;
}

/**
 * `wrk -t1 -c8` GETs of `url` for `seconds` with `script` (`bearerScript`):
 * how many requests it made. An answer other than 2xx or a socket error
 * fails it: a read that failed measures nothing.
 */
export async function wrkReads(url, script, seconds) {
  const { stdout } = await execFileP("wrk", ["-t1", "-c8", `-d${seconds}s`, "--timeout", "10s", "-s", script, url]);
  const bad = stdout.match(/Non-2xx or 3xx responses: (\d+)/);
  if (bad) throw new Error(`${url}: ${bad[1]} answers other than 2xx`);
  const socket = stdout.match(/Socket errors: .*/);
  if (socket) throw new Error(`${url}: ${socket[0]}`);
  return Number(stdout.match(/(\d+) requests in/)[1]);
}
