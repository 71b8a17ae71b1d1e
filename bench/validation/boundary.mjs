// make bench, part 1b: where the npm package's time goes at the JS <-> wasm
// boundary. Uses bench/boundary (built by bench/boundary/build.sh): the
// package's own exports plus boundary variants, each built with the package's
// size settings (opt-level z, wasm-opt -Oz) and with speed settings (opt-level 3,
// wasm-opt -O3). Prints markdown; writes bench/results/boundary.{json,md}.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { KINDS } from "./corpus.mjs";
import { ajvValidators } from "./schemas.mjs";
import { CELL_MS, ROUNDS, compare, fmt } from "./timing.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const build = join(root, "bench/.build");
const VARIANTS = [
  ["z", "package settings (opt-level z, wasm-opt -Oz)"],
  ["speed", "speed settings (opt-level 3, wasm-opt -O3)"],
];
const mods = {};
const wasmSize = {};
for (const [v] of VARIANTS) {
  const dir = join(build, `boundary-${v}`);
  if (!existsSync(join(dir, "boundary.js"))) {
    console.error(`${dir} missing: run bench/boundary/build.sh`);
    process.exit(2);
  }
  const m = await import(join(dir, "boundary.js"));
  const bytes = readFileSync(join(dir, "boundary_bg.wasm"));
  m.initSync({ module: bytes });
  mods[v] = m;
  wasmSize[v] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const ajv = ajvValidators();

// What pkg/src/validate.js does (no fallback needed for these bodies).
const viaText = (r) => (r === null ? [] : JSON.parse(r));
const pkgValidate = (m, k, b) => viaText(m.__validateStringified(k, JSON.stringify(b)));

const CALLS = [
  ["object walk: validate(name, obj) (the package before; now its fallback)", (m, k, b) => () => m.validate(k, b)],
  ["the package's validate now: JSON.stringify + __validateStringified + JSON.parse", (m, k, b) => () => pkgValidate(m, k, b)],
  ["the package's validateJson now: __validateJsonText + JSON.parse", (m, k, _b, t) => () => viaText(m.__validateJsonText(k, t))],
  ["serde-wasm-bindgen: from_value(obj)", (m, k, b) => () => m.validateSwb(k, b)],
  ["JSON.stringify(obj) + validateJson(name, text)", (m, k, b) => () => m.validateJson(k, JSON.stringify(b))],
  ["validateJson(name, text) (text already there)", (m, k, _b, t) => () => m.validateJson(k, t)],
  ["text in, count out (no JS violation objects)", (m, k, _b, t) => () => m.countText(k, t)],
  ["object walk in, count out", (m, k, b) => () => m.countObject(k, b)],
  ["text in, violations as one JSON text + JSON.parse", (m, k, _b, t) => () => JSON.parse(m.validateJsonText(k, t))],
  ["serde_json parse only (no validation)", (m, _k, _b, t) => () => m.parseOnly(t)],
];

// Agreement: every variant reports as many violations as the package's validate.
for (const { kind, valid, invalid } of KINDS) {
  for (const body of [valid, invalid]) {
    const t = JSON.stringify(body);
    const want = mods.z.validate(kind, body).length;
    const got = {
      swb: mods.z.validateSwb(kind, body).length,
      json: mods.z.validateJson(kind, t).length,
      count: mods.z.countText(kind, t),
      text: JSON.parse(mods.z.validateJsonText(kind, t)).length,
    };
    // The package's text paths must give exactly the walk's violations.
    const walk = JSON.stringify(mods.z.validate(kind, body));
    for (const [what, v] of [
      ["__validateStringified", pkgValidate(mods.z, kind, body)],
      ["__validateJsonText", viaText(mods.z.__validateJsonText(kind, t))],
    ]) {
      if (JSON.stringify(v) !== walk) {
        console.error(`boundary DISAGREEMENT: ${what} differs from the object walk on ${kind}`);
        process.exitCode = 1;
      }
    }
    for (const [k, n] of Object.entries(got)) {
      if (n !== want) {
        console.error(`boundary DISAGREEMENT: ${k} gives ${n}, validate gives ${want} (${kind})`);
        process.exitCode = 1;
      }
    }
  }
}

const results = [];
for (const { kind, valid, invalid } of KINDS) {
  for (const [validity, body] of [["valid", valid], ["invalid", invalid]]) {
    const text = JSON.stringify(body);
    const fns = { ajv: () => ajv[kind](body) };
    for (const [v] of VARIANTS) for (const [label, make] of CALLS) fns[`${v}|${label}`] = make(mods[v], kind, body, text);
    const best = compare(fns);
    const { ajv: ajvOps, ...calls } = best;
    results.push({ kind, validity, ajv: ajvOps, calls });
  }
}

const lines = [];
const out = (s = "") => lines.push(s);
out(`### JS ↔ wasm boundary (ops/s, best of ${ROUNDS} interleaved rounds × ${CELL_MS} ms; "÷ ajv" = ÷ ajv on the same object, same run)`);
out();
const head = "| call | " + results.map((r) => `${r.kind.replace("EnrollmentToken", "Token")} ${r.validity}`).join(" | ") + " |";
for (const [v, desc] of VARIANTS) {
  out(`**${desc}** — wasm ${wasmSize[v].raw} B raw, ${wasmSize[v].gzip} B gzip (bench build: package exports + variants)`);
  out();
  out(head);
  out("|---|" + results.map(() => "---").join("|") + "|");
  for (const [label] of CALLS) {
    out(`| ${label} | ` + results.map((r) => `${fmt(r.calls[`${v}|${label}`])} (${(r.calls[`${v}|${label}`] / r.ajv).toFixed(2)}×)`).join(" | ") + " |");
  }
  out(`| ajv 8 (reference) | ` + results.map((r) => fmt(r.ajv)).join(" | ") + " |");
  out();
}
console.log(lines.join("\n"));
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(join(root, "bench/results/boundary.json"), JSON.stringify({ wasmSize, results }, null, 2) + "\n");
writeFileSync(join(root, "bench/results/boundary.md"), lines.join("\n") + "\n");
