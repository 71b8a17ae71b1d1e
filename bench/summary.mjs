// The goals against the last run (bench/results/*.json): issue 14's table
// (each goal met or missed, by how much, and what the run's floors say of
// it), then issue 6's targets.
import { readFileSync, existsSync, writeFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./validation/timing.mjs";

const dir = join(dirname(fileURLToPath(import.meta.url)), "results");
const load = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), "utf8")) : null);
const v = load("validation.json");
const w = load("worker.json");
const b = load("boundary.json");
const rows = [];
const verdict = (ok) => (ok ? "✅ met" : "❌ missed");
const written = (f) => new Date(statSync(join(dir, f)).mtimeMs).toISOString().slice(0, 16).replace("T", " ");

// ---- issue 14 -------------------------------------------------------------
// A ratio goal over the six corpus bodies, from the boundary part: `value(us)`
// is the goal's ratio on a body's µs per row, `bound(us)` the best the ratio
// could be were our side only the floor under it (the same ratio with the
// floor's time for ours). Both are taken in each paired round and the median
// kept (`onBody`). A bound under the target is a measured reason the goal
// cannot be met in this design; a bound over it says only that the floor does
// not rule it out.
const goals = [];
/** One row: met, else ruled out by a floor (`cannot`) or only missed. */
function goal(what, measured, met, cannot, by, floor) {
  goals.push([what, measured, met ? "✅ met" : cannot ? "❌ cannot (floor)" : "❌ missed", met ? "" : by, floor]);
}
/** A size goal; `floor` (bytes, named by `floorName`) when one was measured. */
function sizeGoal(what, gzip, limit, floor, floorName) {
  const kB = (n) => `${n.toLocaleString("en")} B`;
  goal(`${what} ≤ ${limit / 1000} kB gzip -9`, kB(gzip), gzip <= limit, floor > limit, `${((gzip / limit - 1) * 100).toFixed(0)}% over`,
    floor === undefined ? "no floor measured" : floor > limit ? `cannot: its floor (${floorName}) is ${kB(floor)}` : `its floor (${floorName}) is ${kB(floor)}: not ruled out`);
}
const short = (r) => `${r.kind.replace("EnrollmentToken", "Token").replace("Aosp", "")} ${r.validity}`;
const x = (n) => `${n.toFixed(2)}×`;
/**
 * `ratio` (of a body's µs per row) on `r`: the median over the paired rounds
 * of each round's ratio when the run has them (boundary.mjs `pairedUs`), else
 * the best-of cells' (`us`: PAIRED_PROCESSES=0, or a run before the pairing).
 */
function onBody(r, ratio) {
  if (!r.pairedUs) return ratio(r.us);
  const ids = Object.keys(r.pairedUs);
  return median(r.pairedUs[ids[0]].map((_, i) => ratio(Object.fromEntries(ids.map((id) => [id, r.pairedUs[id][i]])))));
}
function ratioGoal(what, target, value, bound, floorName) {
  const per = b.results.map((r) => ({ r, value: onBody(r, value), bound: onBody(r, bound), best: value(r.us) }));
  // (NaN, a ratio that was not measured, is never met.)
  const low = per.filter((p) => !(p.value >= target));
  const range = (list, f) => `${x(Math.min(...list.map(f)))}–${x(Math.max(...list.map(f)))}`;
  const byValidity = (f) => ["valid", "invalid"].map((k) => `${k} ${range(per.filter((p) => p.r.validity === k), f)}`).join(", ");
  const measured = `${byValidity((p) => p.value)}${b.paired ? ` (best-of cells: ${byValidity((p) => p.best)})` : ""}`;
  const blocked = per.filter((p) => p.bound < target);
  const floor = blocked.length
    ? `cannot in this design: ${floorName} alone allows at most ${blocked.map((p) => `${x(p.bound)} (${short(p.r)})`).join(", ")}`
    : `${floorName} allows ${range(per, (p) => p.bound)}: not ruled out`;
  goal(`${what} ≥ ${target}× on every body`, measured, low.length === 0, blocked.length > 0,
    `${low.length} of ${per.length} below: ${low.map((p) => `${short(p.r)} ${x(p.value)}`).join(", ")}`, floor);
}
if (b) {
  const over = (a, c) => (us) => us[a] / us[c];
  // `validate(obj)`'s floor as two rows timed apart: stringify with its
  // text made flat (V8's stringify answers a cons string, which any reader
  // must flatten first), and the one-pass floor on the same text. Less than
  // the one row doing both (whose time moves between runs), so a goal it
  // rules out is ruled out whatever that row does.
  const objectFloor = (other) => (us) => us[other] / (us["stringify+flatten"] + us["one-pass"]);
  const floorName = "stringify (flattened) + the one-pass floor";
  ratioGoal("`validateJson(text)` ÷ `ajv(JSON.parse(text))`", 1, over("ajv-text", "pkg-text"), over("ajv-text", "one-pass"), "the one-pass floor (encodeInto + read each byte once)");
  ratioGoal("`validate(object)` ÷ valibot", 1, over("valibot", "pkg-object"), objectFloor("valibot"), floorName);
  ratioGoal("`validate(object)` ÷ zod 4", 1, over("zod", "pkg-object"), objectFloor("zod"), floorName);
  ratioGoal("`validate(object)` ÷ `JSON.stringify(object)`", 0.6, over("stringify", "pkg-object"), objectFloor("stringify"), floorName);
  sizeGoal("package wasm", b.wasmSize.package.gzip, 30_000, b.wasmSize.validatorOnly.gzip, "the validator's exports");
}
if (w) {
  const size = Object.entries(w.sizes ?? {}).find(([k]) => k.startsWith("worker wasm"))?.[1];
  const floor = Object.entries(w.sizes ?? {}).find(([k]) => k.startsWith("worker floor wasm"))?.[1];
  if (size) sizeGoal("worker wasm", size.gzip, 250_000, floor?.gzip, "a workers-rs worker with the same entry points and no routes");
  for (const t of w.targets.filter((t) => t.issue === 14)) {
    // The floor's read in place of ours (bench/worker/run.mjs `floorOf`),
    // for the goals of at least a ratio to /health. It bounds ours only if
    // it is cheaper than ours and its worker's fixed cost per request is
    // no higher than ours (its /health at least as fast, by req/s and work);
    // then a floor under the target, by req/s and by work, rules the goal out.
    const f = t.atLeast ? t.floor : undefined;
    let says = "";
    let cannot = false;
    if (f) {
      const read = `the floor's read (one D1 statement, its rows as JSON, no auth) in place of ours gives ${x(f.value)} (by work ${x(f.cpuRatio)})`;
      const fixed = `its worker's /health ÷ ours ${x(f.fixedCost.rps)} (by work, our CPU ÷ its: ${x(f.fixedCost.cpu)})`;
      if (f.value < t.value) says = `no bound: ${read}, under ours; ${fixed}`;
      else if (!(f.fixedCost.rps >= 1) || !(f.fixedCost.cpu >= 1)) says = `no bound: ${read}, but ${fixed}: its worker costs more per request`;
      else {
        cannot = !t.ok && f.value < t.target && f.cpuRatio < t.target;
        // (NaN, a floor measured in no clean round, never says "cannot".)
        says = `${cannot ? "cannot" : "not ruled out"}: ${read}; ${fixed}`;
      }
    }
    goal(`${t.name} ${t.atLeast ? "≥" : "≤"} ${t.target}×`, x(t.value), t.ok, cannot, t.by, says);
  }
}
const lines = ["### Issue 14's goals, this run", ""];
const sources = ["boundary.json", "worker.json"].filter((f) => existsSync(join(dir, f)));
lines.push(`From ${sources.map((f) => `bench/results/${f} (written ${written(f)} UTC)`).join(" and ")}. Ratios are of speed (higher is faster for us) on the six corpus bodies${b?.paired ? `; the validation goals' are medians of each round's ratio over ${(b.paired.processes ?? 1) * b.paired.rounds} paired rounds in ${b.paired.processes ?? 1} processes (bench/validation/boundary.mjs), the best-of cells' ratios in brackets` : ""}.`, "");
lines.push("| goal | measured | verdict | by how much | what the floors say |", "|---|---|---|---|---|");
for (const g of goals) lines.push(`| ${g.join(" | ")} |`);
lines.push("");

if (v) {
  const ratios = (lib) =>
    v.results
      .filter((r) => r.lib === lib)
      .map((r) => r.ops / v.results.find((a) => a.kind === r.kind && a.validity === r.validity && a.lib === (lib.endsWith("-text") ? "ajv-text" : "ajv")).ops);
  for (const [lib, what] of [["pkg", "npm package, object in"], ["pkg-text", "npm package, JSON text in (vs ajv + JSON.parse)"]]) {
    const r = ratios(lib);
    const lo = Math.min(...r), hi = Math.max(...r);
    rows.push([`validation ≥ 1× ajv (${what})`, `${lo.toFixed(2)}× … ${hi.toFixed(2)}× over 6 bodies`, verdict(lo >= 1),
      lo >= 1 ? "" : `short by ${(1 / hi).toFixed(0)}–${(1 / lo).toFixed(0)}×`]);
  }
}
if (w) {
  const size = w.targets.find((t) => t.name === "package wasm gzip");
  if (size) rows.push(["package wasm ≤ 40 kB gzipped", `${(size.value / 1000).toFixed(1)} kB`, verdict(size.ok),
    size.ok ? "" : `${((size.value / 40000 - 1) * 100).toFixed(0)}% over`]);
  for (const t of w.targets.filter((t) => t.name.startsWith("list @") && !t.issue)) {
    rows.push([`${t.name.replace("vs empty", "req/s ≥ 60% of the empty worker")}`, `${(100 * t.value).toFixed(1)}%`, verdict(t.ok),
      t.ok ? "" : `${(0.6 / t.value).toFixed(0)}× short`]);
  }
  for (const t of w.targets.filter((t) => / \d+k\/\d+k$/.test(t.name) || t.name.includes("/"))) {
    if (t.issue || t.name.startsWith("list @") || t.name === "package wasm gzip") continue;
    rows.push([`${t.name.replace(/ (\S+)\/(\S+)$/, " latency @$1 ≤ 1.3× @$2")}`, `${t.value.toFixed(2)}×`, verdict(t.ok), t.ok ? "" : `${((t.value / 1.3 - 1) * 100).toFixed(0)}% over`]);
  }
}
lines.push("### Issue 6's targets, this run", "", "| target | measured | verdict | by how much |", "|---|---|---|---|");
for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
console.log(lines.join("\n"));
writeFileSync(join(dir, "summary.md"), lines.join("\n") + "\n");
