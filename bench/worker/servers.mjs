// What the worker benches share (run.mjs, profile.mjs): a seeded local D1, the
// Rust worker's Miniflare options, a free port.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { seedSql } from "./seed.mjs";

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
