// Where a request's time goes inside the worker's isolate: a V8 CPU profile
// (through Miniflare's inspector) of the Rust worker under wrk on one route,
// summed per function per request. Not part of `make bench`; BENCHMARKS.md,
// section 0h, has what it found.
//
//   node bench/worker/profile.mjs [list|one|health] [build dir]
//
// Wasm functions are named only in a build that keeps its name section; the
// worker's own build strips it. One, in worker/build (make build restores it):
//   (cd worker && CARGO_PROFILE_RELEASE_STRIP=false worker-build --release)
// (with scripts/build-worker.sh's WASM_BINDGEN_BIN / ESBUILD_BIN, and without
// its wasm-opt pass, so a little slower than the real one).
// Writes bench/results/profile-<route>.cpuprofile (opens in Chrome DevTools).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { mintToken } from "../../scripts/mint-token.mjs";
import {
  READS as paths,
  bearerScript,
  freePort,
  listed,
  makeDb,
  root,
  rustWorker,
  startMiniflare,
  wrkReads,
} from "./servers.mjs";
const route = process.argv[2] ?? "list";
const build = resolve(process.argv[3] ?? join(root, "worker/build"));
if (!paths[route]) throw new Error(`route: one of ${Object.keys(paths).join(", ")}`);

const work = mkdtempSync(join(tmpdir(), "mdm-profile-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const d1 = await makeDb(work, 1000);

// Miniflare resolves modules below the working directory: a copy inside the repo.
const snapshot = join(root, "bench/.build/profile-snapshot");
rmSync(snapshot, { recursive: true, force: true });
cpSync(build, snapshot, { recursive: true });
const secret = randomBytes(32).toString("hex");
const token = mintToken({ secret, orgs: ["*"], perms: ["*"], ttl: 3600 });
const inspectorPort = await freePort();
const started = await startMiniflare({ ...rustWorker(snapshot, d1, secret), inspectorPort });
const { mf } = started;
const url = started.url + paths[route];
const probe = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
const answer = await probe.text();
if (probe.status !== 200) throw new Error(`${route}: ${probe.status} ${answer}`);
if (route === "list" && listed(answer) !== 10) throw new Error(`list: not 10 items: ${answer.slice(0, 300)}`);

// The user worker's isolate (Miniflare's own workers are the others).
const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
const target = targets.find((t) => t.title.includes("core:user:"));
if (!target) throw new Error(`no user worker among the inspector's targets: ${targets.map((t) => t.title).join(", ")}`);
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((ok) => ws.on("open", ok));
let next = 0;
const waiting = new Map();
ws.on("message", (m) => {
  const d = JSON.parse(m);
  waiting.get(d.id)?.(d);
  waiting.delete(d.id);
});
const send = (method, params = {}) =>
  new Promise((ok) => {
    waiting.set(++next, ok);
    ws.send(JSON.stringify({ id: next, method, params }));
  });

const lua = bearerScript(work, token);
await wrkReads(url, lua, 2); // warm-up
await send("Profiler.enable");
await send("Profiler.setSamplingInterval", { interval: 100 });
await send("Profiler.start");
const requests = await wrkReads(url, lua, 5);
const stopped = await send("Profiler.stop");
if (!stopped.result) throw new Error(`Profiler.stop: ${JSON.stringify(stopped.error)}`);
const { profile } = stopped.result;
ws.close();
await mf.dispose();
rmSync(snapshot, { recursive: true, force: true });
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(join(root, `bench/results/profile-${route}.cpuprofile`), JSON.stringify(profile));

// Self time per function, in µs per request.
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
profile.samples.forEach((id, i) => {
  const { functionName, url: file } = nodes.get(id).callFrame;
  const name = `${functionName || "(anonymous)"} ${file.split("/").pop()}`.trim();
  self.set(name, (self.get(name) ?? 0) + profile.timeDeltas[i]);
});
// The profile's time is the isolate thread's: JavaScript and wasm by
// function, native work on the thread as "(program)", the collector as
// "(garbage collector)", waiting as "(idle)".
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = self.get("(idle)") ?? 0;
console.log(`${route}: ${requests} requests in 5 s; the thread busy ${((total - idle) / requests).toFixed(0)} µs per request, ` +
  `idle ${(idle / requests).toFixed(0)} (sampled every 100 µs)`);
console.log("| µs per request | function |\n|---|---|");
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`| ${(us / requests).toFixed(1)} | ${name.slice(0, 140).replace(/\|/g, "\\|")} |`);
}
