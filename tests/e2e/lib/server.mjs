// Start the worker under `wrangler dev` for end-to-end tests, with a fresh
// local D1 (its own --persist-to temp dir, migrations applied), a test
// AUTH_SECRET passed with --var (so a developer's .dev.vars does not matter),
// on a free port; stop kills the whole process group (wrangler + workerd).
//
//   import { startWorker } from "./lib/server.mjs";
//   const w = await startWorker();          // in before()
//   const res = await w.fetch("/health");   // real HTTP
//   const token = w.token({ perms: ["mdm.aosp.*"], orgs: ["demo"] });
//   await w.stop();                         // in after()

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { mintToken, signJwt } from "../../../scripts/mint-token.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

// Every wrangler dev this process started, killed when the process exits: a
// test file whose before() failed half-way must not leave a server behind,
// because its open pipes would keep the file (and CI) waiting forever.
const live = new Set();
/**
 * Signal every process of the group `pid` leads (gone already: nothing).
 * `onlyIfMembers`: only if some process is still in it. An emptied group's
 * number is free, and a new group (another suite's server) may take it.
 */
function killGroup(pid, signal = "SIGKILL", { onlyIfMembers = false } = {}) {
  if (pid === undefined || (onlyIfMembers && groupMembers(pid).length === 0)) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * The pids of the live processes in group `pgid`, from /proc (field 5 of
 * stat); zombies, ended but not yet reaped, are left out.
 */
export function groupMembers(pgid) {
  const members = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // After the command's closing parenthesis: state, ppid, pgrp.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(name));
  }
  return members;
}
function killLive() {
  for (const pid of live) killGroup(pid);
}
process.on("exit", killLive);
// A signal ends the process without "exit": the runner sends SIGTERM to a
// file that passes --test-timeout (see the Makefile), and its servers, in
// process groups of their own, would otherwise run on for the rest of CI.
for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]]) {
  process.on(signal, () => {
    killLive();
    process.exit(code);
  });
}

const baseEnv = () => ({ ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" });

/** Whether `port` can be listened on at 127.0.0.1 right now. */
function canListen(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port that was free a moment ago, below Linux's ephemeral range
 * (32768-60999). Port 0 would hand out an ephemeral port, the same pool every
 * outgoing connection of the parallel suites draws from, so one of their
 * sockets could take it before wrangler binds it.
 */
export async function freePort() {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error("no free port in 20000-31999");
}

// wrangler.toml without its [build] section. With [build], wrangler dev
// watches the Rust sources and, once its watcher is ready (seconds after
// start on a loaded machine), runs the build and reloads the worker: requests
// in flight then fail with "Your worker restarted mid-request". Tests build
// once, before any server starts, and serve the built worker unwatched.
const TEST_CONFIG = join(ROOT, "wrangler.e2e.toml");
let configured = null;
function testConfig() {
  configured ??= (async () => {
    await runGroup("bash", [join(ROOT, "scripts", "build-worker.sh")], { timeout: 10 * 60_000 });
    const lines = (await readFile(join(ROOT, "wrangler.toml"), "utf8")).split("\n");
    const out = [];
    let skipping = false;
    for (const line of lines) {
      if (/^\[/.test(line)) skipping = line.trim() === "[build]";
      if (!skipping) out.push(line);
    }
    // Written only when it changed: running servers watch their config and
    // restart on a change. Several test processes write the same text;
    // rename makes each write whole.
    const text = `# Generated by tests/e2e/lib/server.mjs from wrangler.toml, without [build].\n${out.join("\n")}`;
    const old = await readFile(TEST_CONFIG, "utf8").catch(() => null);
    if (old !== text) {
      const tmp = `${TEST_CONFIG}.${process.pid}`;
      await writeFile(tmp, text);
      await rename(tmp, TEST_CONFIG);
    }
    return TEST_CONFIG;
  })();
  return configured;
}

/** Run wrangler to completion (throws with its output on failure or timeout). */
export function wrangler(args, { timeout = 120_000 } = {}) {
  return runGroup(WRANGLER, args, { timeout });
}

/**
 * Run `command` to completion in a process group of its own: `{stdout,
 * stderr}`, or an error with both. Twice in clean-clone runs a file waited
 * 15 minutes (to its --test-timeout) in startWorker with nothing alive but
 * two pipes: a command's, whose process had exited while something it
 * started still held its pipes, and Node waits for the pipes to close. So
 * what outlives the command gets `grace` to finish on its own (a local D1's
 * workerd may still be closing its database), then the group is ended,
 * whether or not it still holds the pipes (a workerd has pipes of its own);
 * if the pipes are still held then (by a process outside the group), they
 * are no longer read. At `timeout` the same, at once, unless the command has
 * exited by then.
 */
export function runGroup(command, args, { timeout = 120_000, grace = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: baseEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    live.add(child.pid);
    let stdout = "";
    let stderr = "";
    // Whole characters: a chunk may end inside one (wrangler prints emoji).
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    let settled = false;
    let timedOut = false;
    let exit = null;
    let ended = false;
    /** What settling stops; not the grace, which still ends the group after. */
    const timers = [];
    /** Settles once: `error`, or the command's outcome from its code. */
    const settle = (code, signal, error) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      if (error) return reject(error);
      if (code === 0 && !timedOut) return resolve({ stdout, stderr });
      const why = timedOut ? `timed out after ${timeout} ms` : `failed (${code ?? signal})`;
      reject(new Error(`${command} ${args.join(" ")} ${why}:\n${stdout}\n${stderr}`));
    };
    /** Ends the group, then, a second later, lets go of pipes still held. */
    const end = () => {
      if (ended) return;
      ended = true;
      killGroup(child.pid, "SIGKILL", { onlyIfMembers: true });
      live.delete(child.pid);
      if (settled) return;
      timers.push(
        setTimeout(() => {
          if (settled) return;
          console.error(`harness: ${command} ${args.slice(0, 3).join(" ")}: its pipes were still held after its group ended; no longer reading them`);
          child.stdout.destroy();
          child.stderr.destroy();
          settle(exit?.code ?? null, exit?.signal ?? "SIGKILL");
        }, 1_000),
      );
    };
    timers.push(
      setTimeout(() => {
        if (exit) return; // exited in time: the grace ends the group
        timedOut = true;
        end();
      }, timeout),
    );
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // Unref'd: once the command has settled, ending its group later must
      // not hold the test file open (the exit hook ends it then, from `live`).
      setTimeout(end, grace).unref();
    });
    child.on("close", (code, signal) => settle(code, signal));
    child.on("error", (e) => {
      end();
      settle(null, null, e);
    });
  });
}

/**
 * A fresh local D1 with the migrations applied; its directory. Under the
 * parallel suites' load, wrangler's local migration run once failed at the
 * first migration with a bare "false == true" from inside wrangler: a
 * second try on a new directory, before giving up.
 */
async function migrated(config) {
  for (let attempt = 1; ; attempt++) {
    const persistDir = await mkdtemp(join(tmpdir(), "mdm-e2e-"));
    try {
      await wrangler(["d1", "migrations", "apply", "DB", "--local", "--config", config, "--persist-to", persistDir]);
      return persistDir;
    } catch (e) {
      await rm(persistDir, { recursive: true, force: true });
      if (attempt === 2) throw e;
      console.error(`migrations failed once, trying again: ${e.message.split("\n").slice(-12).join(" | ")}`);
    }
  }
}

class PortTaken extends Error {}

/** Spawn wrangler dev on fresh ports and wait for /health (see startWorker). */
async function launch({ config, persistDir, secret, vars, startTimeoutMs }) {
  const port = await freePort();
  // Without an explicit inspector port, wrangler takes 9229 when it looks
  // free, and two servers started together both see it free: one then dies
  // with "Address already in use".
  const inspectorPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Rate limits are the subject of tests/e2e/abuse.test.mjs, which turns them
  // on; elsewhere thousands of deliberate failures would trip them.
  const credentialKeys = {
    CREDENTIAL_LOOKUP_KEY: randomBytes(32).toString("base64"),
    CREDENTIAL_SEAL_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  };
  // DEBUG_SQL: the tests' SQL runs through the server (see sqlOn in start).
  const allVars = { AUTH_SECRET: secret, ...credentialKeys, ENROLLMENT_HOST: url, ENVIRONMENT: "development", RATE_LIMITS: "off", DEBUG_SQL: "true", ...vars };
  const args = ["dev", "--config", config, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--persist-to", persistDir,
    "--test-scheduled", "--show-interactive-dev-session=false", "--log-level", process.env.E2E_WRANGLER_LOG_LEVEL ?? "log"];
  for (const [k, v] of Object.entries(allVars)) args.push("--var", `${k}:${v}`);

  // detached: the child calls setsid(), so it leads a new process group and
  // stop() can signal wrangler and workerd together.
  const child = spawn(WRANGLER, args, { cwd: ROOT, env: baseEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child.pid);
  // The pipes and the child do not hold the event loop: once a file's tests
  // are done it exits, and the exit hook above kills what is left.
  child.unref();
  child.stdout.unref?.();
  child.stderr.unref?.();
  let output = "";
  const keep = (chunk) => {
    output += chunk;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let dead = null;
  exited.then((r) => (dead = r));

  let stopped = false;
  const stop = async ({ keepData = false } = {}) => {
    if (stopped) return;
    stopped = true;
    child.ref(); // hold the loop until wrangler has really gone
    killGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(child.pid), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup(child.pid); // stragglers (workerd) in the group
    live.delete(child.pid);
    if (!keepData) await rm(persistDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (dead) {
      const taken = /Address already in use/.test(output);
      await stop({ keepData: taken });
      if (taken) throw new PortTaken(output);
      throw new Error(`wrangler dev exited early (${JSON.stringify(dead)}):\n${output}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop({ keepData: true });
      throw new Error(`wrangler dev did not answer /health within ${startTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return { url, port, credentialKeys, output: () => output, stop };
}

/**
 * @param {object} [opts]
 * @param {Record<string,string>} [opts.vars]  extra --var bindings
 * @param {string} [opts.seedFile]            SQL file executed after the migrations
 * @param {number} [opts.startTimeoutMs]
 */
export function startWorker(opts = {}) {
  // Migrations, up to three launches of up to 180 s each: what it may take.
  return held(start(opts), "startWorker", 12 * 60_000);
}

async function start({ vars = {}, seedFile, startTimeoutMs = 180_000 } = {}) {
  const config = await testConfig();
  const secret = randomBytes(32).toString("hex");
  const persistDir = await migrated(config);
  if (seedFile) {
    await wrangler(["d1", "execute", "DB", "--local", "--config", config, "--persist-to", persistDir, "--file", seedFile]);
  }

  // Another process can still bind the port between freePort() and wrangler
  // (the suites run side by side): then start again on other ports.
  let launched;
  for (let attempt = 1; ; attempt++) {
    try {
      launched = await launch({ config, persistDir, secret, vars, startTimeoutMs });
      break;
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt === 3) {
        await rm(persistDir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  const { url, port, credentialKeys, output, stop } = launched;
  // The worker's SQL route (worker/src/routes/debug.rs) is on unless a test
  // turns DEBUG_SQL off, as one whose AUTH_SECRET the worker refuses must.
  const sqlSecret = vars.AUTH_SECRET ?? secret;
  const sqlRoute = (vars.DEBUG_SQL ?? "true") === "true";
  let checked = false;

  return {
    url,
    port,
    secret,
    credentialKeys,
    persistDir,
    /** Everything wrangler/workerd printed so far (for debugging a failure). */
    output,
    /** Stop the server, after checking its D1's counters (see checkCounters). */
    stop: async () => {
      if (checked) return stop();
      checked = true;
      // A worker without the SQL route cannot be checked.
      const wrong = sqlRoute ? await checkCounters(sqlOn) : [];
      await stop();
      if (wrong.length) throw new Error(`org_counts disagree with COUNT(*) after this file's tests: ${JSON.stringify(wrong)}`);
    },
    /**
     * fetch() relative to the worker. Like call(), it gives up after 60 s
     * (unless init.signal says otherwise): under load wrangler dev's proxy can
     * leave a request unanswered, and a file must fail then, not hang.
     */
    fetch: (path, init = {}) =>
      held(fetch(url + path, { signal: AbortSignal.timeout(60_000), ...init }), `${init.method ?? "GET"} ${path}`),
    /** A token signed with this worker's secret (see scripts/mint-token.mjs). */
    token: (opts = {}) => mintToken({ secret, ...opts }),
    /** Sign arbitrary claims / header with this worker's secret. */
    sign: (claims, header) => signJwt(claims, secret, header),
    /** Run SQL against this worker's D1, through the worker (see sqlOn). */
    sql: (command, opts) => sqlOn(command, opts),
  };
  /**
   * The first statement's rows, or with `{ all: true }` every statement's:
   * `command`'s statements in one batch through the server's own D1
   * (`POST /v1/_debug/sql`, worker/src/routes/debug.rs). Not `wrangler d1
   * execute`: a second process on the same SQLite file while the server runs
   * made each fail the other (SQLITE_BUSY; once, a request never answered).
   */
  async function sqlOn(command, { all = false } = {}) {
    const r = await call(launched, "POST", "/v1/_debug/sql", {
      body: { statements: statements(command) },
      headers: { "x-debug-secret": sqlSecret },
    });
    if (r.status !== 200) throw new Error(`SQL through the worker: ${r.status} ${JSON.stringify(r.body)}\n${command}`);
    return all ? r.body : r.body[0];
  }
}

/**
 * The statements of an SQL text, split at the semicolons outside quotes and
 * comments, comments left out (the tests' SQL holds no trigger bodies).
 */
export function statements(sql) {
  const out = [];
  let piece = ""; // the statement so far, without its comments
  let from = 0; // where the text not yet in `piece` starts
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1); // a doubled quote is two strings in a row: the same split
      i = end === -1 ? sql.length : end;
    } else if (c === ";") {
      out.push(piece + sql.slice(from, i));
      piece = "";
      from = i + 1;
    } else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
      const block = c === "/";
      const end = sql.indexOf(block ? "*/" : "\n", i + 2);
      piece += `${sql.slice(from, i)} `;
      from = end === -1 ? sql.length : block ? end + 2 : end;
      i = from - 1;
    }
  }
  out.push(piece + sql.slice(from));
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

// The tables whose rows org_counts keeps per organization and status
// (migrations/0011_org_counts.sql), with their status column ('' if none).
const COUNTED = {
  aosp_enrollment_tokens: "status",
  win_enrollment_tokens: "state",
  google_enrollment_tokens: "status",
  aosp_devices: "state",
  win_devices: "state",
  audit_events: "''",
};

/**
 * Every (organization, table, status) whose counter differs from COUNT(*) of
 * its rows, after whatever a test file did to its D1 (the API, the cron, and
 * hand-written SQL alike). Run by stop(), so every file that starts a worker
 * checks the counters the lists read their totals from. Also fails when a
 * table gains a counting trigger this list does not know.
 */
export async function checkCounters(sql) {
  const triggers = await sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_count_insert'");
  const counted = triggers.map((t) => t.name.replace(/_count_insert$/, "")).sort();
  if (JSON.stringify(counted) !== JSON.stringify(Object.keys(COUNTED).sort())) {
    return [{ countedTables: counted, harnessKnows: Object.keys(COUNTED) }];
  }
  // One statement per table: local D1 allows few terms in a compound SELECT.
  const perTable = Object.entries(COUNTED).map(([table, status]) => `
    SELECT k.organization_id, '${table}' AS kind, k.status, COALESCE(a.n, 0) AS rows, COALESCE(c.n, 0) AS counter
      FROM (SELECT organization_id, ${status} AS status FROM ${table}
            UNION SELECT organization_id, status FROM org_counts WHERE kind = '${table}') k
      LEFT JOIN (SELECT organization_id, ${status} AS status, COUNT(*) AS n FROM ${table} GROUP BY 1, 2) a
        USING (organization_id, status)
      LEFT JOIN (SELECT organization_id, status, n FROM org_counts WHERE kind = '${table}') c
        USING (organization_id, status)
     WHERE COALESCE(a.n, 0) != COALESCE(c.n, 0)`);
  return (await sql(perTable.join(";\n"), { all: true })).flat();
}

/**
 * `promise`, with the event loop held until it settles. The server's process
 * and pipes are unref'd (a file exits when its tests are done), and fetch's
 * keep-alive sockets are too when idle: once, a request that wrangler's proxy
 * left hanging on such a socket let the loop run dry, and node:test failed
 * every test of the file with "Promise resolution is still pending". Held,
 * the request instead runs into its timeout and names itself.
 */
function held(promise, label, expectedMs = WAIT_LIMIT_MS) {
  const hold = setInterval(() => {}, 1 << 30);
  const op = { label, since: Date.now(), expectedMs };
  inFlight.add(op);
  return promise.finally(() => {
    clearInterval(hold);
    inFlight.delete(op);
  });
}

// What this file is waiting on (see held). Every wait above has its own
// timeout (60 s a request, 120 s a wrangler command), yet once a file sat idle
// for 20 minutes with its server answering: if one outlives what it may take,
// say which, and what keeps the process alive, while the runner still shows a
// file's output (after its --test-timeout it shows nothing more).
// The two knobs are for tests/e2e/harness.test.mjs, which checks the
// watchdog in a second or two instead of minutes.
const knob = (name, otherwise) => (Number(process.env[name]) > 0 ? Number(process.env[name]) : otherwise);
const WAIT_LIMIT_MS = knob("HARNESS_WAIT_LIMIT_MS", 4 * 60_000);
const WATCH_EVERY_MS = knob("HARNESS_WATCH_EVERY_MS", 30_000);
const inFlight = new Set();
setInterval(() => {
  const now = Date.now();
  const stuck = [...inFlight].filter((op) => now - op.since > op.expectedMs);
  if (stuck.length === 0) return;
  const what = stuck.map((op) => `${op.label} (${Math.round((now - op.since) / 1000)} s)`).join("; ");
  console.error(`harness: still waiting on ${what}; active: ${process.getActiveResourcesInfo().join(", ")}`);
}, WATCH_EVERY_MS).unref();

/** The start of the text wrangler dev's proxy answers a lost request with. */
const PROXY_LOST = "Your worker restarted mid-request.";

/** fetch + parse: { status, headers, body } (body is JSON when it parses, else text). */
export async function call(worker, method, path, { token, body, headers = {}, timeoutMs = 60_000 } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) {
    payload = JSON.stringify(body);
    h["content-type"] ??= "application/json";
  }
  // A request that never answers fails here, naming itself, instead of
  // stalling its test until the runner's timeout.
  const signal = AbortSignal.timeout(timeoutMs);
  let res, text;
  for (let attempt = 1; ; attempt++) {
    try {
      // fetch itself, not worker.fetch: the hold covers the body too, once.
      [res, text] = await held(
        fetch(worker.url + path, { method, headers: h, body: payload, signal }).then(async (r) => [r, await r.text()]),
        `${method} ${path} and its body`,
      );
    } catch (e) {
      throw new Error(`${method} ${path}: no answer (${e.name}: ${e.message})`, { cause: e });
    }
    if (!(res.status === 503 && text.startsWith(PROXY_LOST)) || attempt === 3) break;
    // wrangler dev's proxy lost its pooled connection to workerd as the
    // request went out (workers-sdk#14641: the worker never restarted, and
    // never saw the request), and it retries only GET and HEAD. Sent again,
    // said on stderr. Were the first one applied after all, the test's own
    // assertions would see a second effect: a retry can fail a test, never
    // pass one.
    console.error(`harness: ${method} ${path}: wrangler dev's proxy answered 503 (${attempt}), sending it again`);
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt)); // not straight onto the same broken connection
  }
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
