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

import { spawn, execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { mintToken, signJwt } from "../../../scripts/mint-token.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const execFileP = promisify(execFile);

// Every wrangler dev this process started, killed when the process exits: a
// test file whose before() failed half-way must not leave a server behind,
// because its open pipes would keep the file (and CI) waiting forever.
const live = new Set();
process.on("exit", () => {
  for (const pid of live) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

const baseEnv = () => ({ ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" });

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Run wrangler to completion (throws with its output on failure). */
export async function wrangler(args, { timeout = 120_000 } = {}) {
  try {
    return await execFileP(WRANGLER, args, { cwd: ROOT, env: baseEnv(), timeout, maxBuffer: 16 << 20 });
  } catch (e) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/**
 * @param {object} [opts]
 * @param {Record<string,string>} [opts.vars]  extra --var bindings
 * @param {string} [opts.seedFile]            SQL file executed after the migrations
 * @param {number} [opts.startTimeoutMs]
 */
export async function startWorker({ vars = {}, seedFile, startTimeoutMs = 180_000 } = {}) {
  const persistDir = await mkdtemp(join(tmpdir(), "mdm-e2e-"));
  const secret = randomBytes(32).toString("hex");
  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);
  if (seedFile) {
    await wrangler(["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--file", seedFile]);
  }

  const port = await freePort();
  // Without an explicit inspector port, wrangler takes 9229 when it looks
  // free, and two servers started together both see it free: one then dies
  // with "Address already in use".
  const inspectorPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Rate limits are the subject of tests/e2e/abuse.test.mjs, which turns them
  // on; elsewhere thousands of deliberate failures would trip them.
  const allVars = { AUTH_SECRET: secret, ENROLLMENT_HOST: url, ENVIRONMENT: "development", RATE_LIMITS: "off", ...vars };
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--persist-to", persistDir,
    "--test-scheduled", "--show-interactive-dev-session=false", "--log-level", "log"];
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

  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.ref(); // hold the loop until wrangler has really gone
    killGroup("SIGTERM");
    const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup("SIGKILL"); // stragglers (workerd) in the group
    live.delete(child.pid);
    await rm(persistDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (dead) {
      await stop();
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
      await stop();
      throw new Error(`wrangler dev did not answer /health within ${startTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    port,
    secret,
    persistDir,
    /** Everything wrangler/workerd printed so far (for debugging a failure). */
    output: () => output,
    stop,
    /** fetch() relative to the worker. */
    fetch: (path, init) => fetch(url + path, init),
    /** A token signed with this worker's secret (see scripts/mint-token.mjs). */
    token: (opts = {}) => mintToken({ secret, ...opts }),
    /** Sign arbitrary claims / header with this worker's secret. */
    sign: (claims, header) => signJwt(claims, secret, header),
    /** Run SQL against this worker's local D1 (wrangler d1 execute --json). */
    sql: async (command) => {
      const { stdout } = await wrangler(["d1", "execute", "DB", "--local", "--persist-to", persistDir,
        "--json", "--command", command]);
      return JSON.parse(stdout)[0].results;
    },
  };
}

/** fetch + parse: { status, headers, body } (body is JSON when it parses, else text). */
export async function call(worker, method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) {
    payload = JSON.stringify(body);
    h["content-type"] ??= "application/json";
  }
  const res = await worker.fetch(path, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
