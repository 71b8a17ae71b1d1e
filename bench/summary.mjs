// The issue's targets against the last run (bench/results/*.json), as one table.
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "results");
const load = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), "utf8")) : null);
const v = load("validation.json");
const w = load("worker.json");
const rows = [];
const verdict = (ok) => (ok ? "✅ met" : "❌ missed");

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
if (w) {
  for (const t of w.targets.filter((t) => t.issue === 14)) {
    rows.push([`${t.name} ${t.atLeast ? "≥" : "≤"} ${t.target}× (issue 14)`, `${t.value.toFixed(2)}×`, verdict(t.ok), t.by]);
  }
}
const lines = ["### Targets (issues 6 and 14), this run", "", "| target | measured | verdict | by how much |", "|---|---|---|---|"];
for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
console.log(lines.join("\n"));
writeFileSync(join(dir, "summary.md"), lines.join("\n") + "\n");
