// Two builds of the worker side by side: the work a request costs on each,
// measured in the same minutes. Not part of `make bench`; how BENCHMARKS.md's
// A/B rows are measured (a change is kept when B's work per request is lower
// in most paired rounds, not when one run's req/s says so).
//
//   node bench/worker/ab.mjs <build A> <build B> [routes, comma-separated: list,one,health] [rounds]
//
// Each build is served by its own Miniflare from its own copy of one seeded
// database (1k tokens; AB_SIZE=100000 for another size). Every round runs
// each route on A and on B, 4 s each under `wrk -c8` (the order alternated
// round by round), and counts the CPU of that build's workerd only. A round
// with a non-2xx answer or a socket error stops the run. With `health`
// among the routes, each other route's ratio to it (issue 14's goals, by
// work) is printed per build, as the median of the rounds' ratios: a change
// that moves `/health` too does not pass for a gain.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { mintToken } from "../../scripts/mint-token.mjs";
import {
  READS as paths,
  bearerScript,
  cpuMs,
  listed,
  makeDb,
  median,
  root,
  rustWorker,
  startMiniflare,
  wrkReads,
} from "./servers.mjs";

const [buildA, buildB] = process.argv.slice(2, 4).map((b) => b && resolve(b));
if (!buildA || !buildB) throw new Error("usage: node bench/worker/ab.mjs <build A> <build B> [routes] [rounds]");
const routes = (process.argv[4] ?? "list,health").split(",");
const ROUNDS = Number(process.argv[5] ?? 6);
for (const r of routes) if (!paths[r]) throw new Error(`route ${r}: one of ${Object.keys(paths).join(", ")}`);

const work = mkdtempSync(join(tmpdir(), "mdm-ab-"));
const snapshots = ["a", "b"].map((s) => join(root, `bench/.build/ab-${s}`));
process.on("exit", () => {
  rmSync(work, { recursive: true, force: true });
  for (const s of snapshots) rmSync(s, { recursive: true, force: true });
});
const seeded = await makeDb(work, Number(process.env.AB_SIZE ?? 1000));
const secret = randomBytes(32).toString("hex");
const token = mintToken({ secret, orgs: ["*"], perms: ["*"], ttl: 3600 });
const lua = bearerScript(work, token);

const sides = [];
for (const [i, build] of [buildA, buildB].entries()) {
  rmSync(snapshots[i], { recursive: true, force: true });
  cpSync(build, snapshots[i], { recursive: true });
  const db = join(work, `db-${i}`);
  cpSync(seeded, db, { recursive: true }); // before any server opens it
  const { mf, url, pids } = await startMiniflare(rustWorker(snapshots[i], db, secret));
  for (const r of routes) {
    const res = await fetch(url + paths[r], { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${"AB"[i]} ${r}: ${res.status} ${body.slice(0, 300)}`);
    if (r === "list" && listed(body) !== 10) throw new Error(`${"AB"[i]} list: not 10 items: ${body.slice(0, 300)}`);
  }
  sides.push({ name: "AB"[i], mf, url, pids });
}

async function wrk(side, route, seconds) {
  const before = cpuMs(side.pids);
  const requests = await wrkReads(side.url + paths[route], lua, seconds);
  const ms = cpuMs(side.pids) - before;
  if (!Number.isFinite(ms)) throw new Error(`${side.name}: its workerd exited`);
  return { rps: requests / seconds, cpu: ms / requests };
}

const runs = Object.fromEntries(routes.map((r) => [r, { A: [], B: [] }]));
try {
  for (const side of sides) for (const r of routes) await wrk(side, r, 1); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const r of routes) {
      const order = round % 2 ? [sides[1], sides[0]] : sides;
      for (const side of order) runs[r][side.name].push(await wrk(side, r, 4));
    }
    console.error(`round ${round + 1}/${ROUNDS} done`);
  }
} finally {
  for (const side of sides) await side.mf.dispose();
}

const f2 = (x) => x.toFixed(2);
console.log(`A: ${buildA}\nB: ${buildB}\n${ROUNDS} paired rounds, wrk -c8, 4 s each; workerd CPU ms per request (req/s)\n`);
console.log("| route | A | B | B ÷ A, median of the rounds' ratios | rounds where B costs less |");
console.log("|---|---|---|---|---|");
for (const r of routes) {
  const { A, B } = runs[r];
  const ratios = A.map((a, i) => B[i].cpu / a.cpu);
  const cell = (x) => x.map((y) => `${f2(y.cpu)} (${y.rps.toFixed(0)})`).join(", ");
  console.log(`| ${r} | ${cell(A)} | ${cell(B)} | ${f2(median(ratios))}× | ${ratios.filter((x) => x < 1).length} of ${ratios.length} |`);
}
if (runs.health) {
  console.log("\n| route ÷ /health by work (health's CPU ÷ the route's, median of the rounds) | A | B |\n|---|---|---|");
  for (const r of routes.filter((x) => x !== "health")) {
    const of = (s) => f2(median(runs[r][s].map((x, i) => runs.health[s][i].cpu / x.cpu)));
    console.log(`| ${r} | ${of("A")}× | ${of("B")}× |`);
  }
}
