// make bench, part 1: validation in Node. The npm package (pkg/dist, the wasm
// build of mdm-core) against ajv 8 (compiled, allErrors), zod 4 and valibot 1
// on one corpus (corpus.mjs), with the same rules (schemas.mjs). Prints
// markdown tables; writes bench/results/validation.json.
//
//   node bench/validation/run.mjs            # BENCH_MS=400 per cell by default
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KINDS } from "./corpus.mjs";
import { ajvValidators, zodValidators, valibotValidators } from "./schemas.mjs";
import { CELL_MS, ROUNDS, compare, fmt, ratio, sink } from "./timing.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

// ---- the npm package ----------------------------------------------------------
// The package's Node entry (pkg/src/node.js: initSync from the .wasm on disk).
if (!existsSync(join(root, "pkg/dist/mdm_wasm_bg.wasm"))) {
  console.error("pkg/dist is missing: build the npm package first (node pkg/build.mjs)");
  process.exit(2);
}
const pkg = await import(join(root, "pkg/src/node.js"));

// ---- libraries ------------------------------------------------------------------
const ajv = ajvValidators();
const zod = zodValidators();
const valibot = valibotValidators();
const perBody = (kind) => pkg[`validate${kind}`];

// Each entry: (kind, body, text) -> () => errors[]. "object" rows take the JS
// object; "text" rows take the JSON text a request carries (so ajv/zod/valibot
// pay JSON.parse there, as a server would).
const LIBS = [
  { id: "pkg", label: "npm package validate<Kind>(obj)", make: (k, body) => () => perBody(k)(body) },
  {
    id: "pkg-stringify",
    label: "npm package validateJson(JSON.stringify(obj))",
    make: (k, body) => () => pkg.validateJson(k, JSON.stringify(body)),
  },
  { id: "ajv", label: "ajv 8 (compiled, allErrors)", make: (k, body) => () => ajv[k](body) },
  { id: "zod", label: "zod 4 safeParse", make: (k, body) => () => zod[k](body) },
  { id: "valibot", label: "valibot 1 safeParse", make: (k, body) => () => valibot[k](body) },
  { id: "pkg-text", label: "npm package validateJson(text)", text: true, make: (k, _b, text) => () => pkg.validateJson(k, text) },
  { id: "ajv-text", label: "ajv 8 (JSON.parse(text))", text: true, make: (k, _b, text) => () => ajv[k](JSON.parse(text)) },
  // Not a validator: the floor of `validate(object)`, which stringifies first.
  { id: "stringify", label: "JSON.stringify(obj) alone", timingOnly: true, make: (k, body) => () => JSON.stringify(body) },
];

// ---- agreement check before timing --------------------------------------------------
const agreement = [];
for (const { kind, valid, invalid } of KINDS) {
  for (const [validity, body] of [["valid", valid], ["invalid", invalid]]) {
    const text = JSON.stringify(body);
    const reference = perBody(kind)(body);
    const row = { kind, validity, pkg: reference.length };
    for (const lib of LIBS.filter((l) => !l.timingOnly)) {
      const n = lib.make(kind, body, text)().length;
      row[lib.id] = n;
      if ((n === 0) !== (validity === "valid")) {
        console.error(`DISAGREEMENT: ${lib.id} on ${kind} ${validity} reports ${n} errors`);
        process.exitCode = 1;
      }
    }
    agreement.push(row);
  }
}

// ---- timing -------------------------------------------------------------------------
const results = [];
for (const { kind, valid, invalid } of KINDS) {
  for (const [validity, body] of [["valid", valid], ["invalid", invalid]]) {
    const text = JSON.stringify(body);
    const best = compare(Object.fromEntries(LIBS.map((lib) => [lib.id, lib.make(kind, body, text)])));
    for (const lib of LIBS) results.push({ kind, validity, lib: lib.id, ops: best[lib.id] });
  }
}
const get = (kind, validity, lib) => results.find((r) => r.kind === kind && r.validity === validity && r.lib === lib).ops;

// ---- the JS <-> wasm boundary ---------------------------------------------------------
// Cost of a call that does (almost) no validation work: an empty body.
const boundary = compare({
  "validateAospDeviceUpdate({})": () => pkg.validateAospDeviceUpdate({}),
  'validateJson(name, "{}")': () => pkg.validateJson("AospDeviceUpdate", "{}"),
  "JSON.stringify(full device body)": () => JSON.stringify(KINDS[0].valid),
  "ajv({})": () => ajv.AospDeviceUpdate({}),
});

// ---- report ------------------------------------------------------------------------
const lines = [];
const out = (s = "") => lines.push(s);
out(`### Validation in Node ${process.version} (ops/s, best of ${ROUNDS} interleaved rounds × ${CELL_MS} ms; ratio = ÷ ajv in the same row)`);
out();
out("| body | valid? | violations | npm pkg (object) | pkg ÷ ajv | pkg stringify+text | ÷ ajv | ajv 8 | zod 4 | ÷ ajv | valibot 1 | ÷ ajv |");
out("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const { kind } of KINDS) {
  for (const validity of ["valid", "invalid"]) {
    const a = get(kind, validity, "ajv");
    const p = get(kind, validity, "pkg");
    const ps = get(kind, validity, "pkg-stringify");
    const z = get(kind, validity, "zod");
    const vb = get(kind, validity, "valibot");
    const n = agreement.find((r) => r.kind === kind && r.validity === validity).pkg;
    out(`| ${kind} | ${validity} | ${n} | ${fmt(p)} | ${ratio(p, a)} | ${fmt(ps)} | ${ratio(ps, a)} | ${fmt(a)} | ${fmt(z)} | ${ratio(z, a)} | ${fmt(vb)} | ${ratio(vb, a)} |`);
  }
}
out();
out("Server-side shape (the body arrives as JSON text):");
out();
out("| body | valid? | npm pkg validateJson(text) | ajv(JSON.parse(text)) | pkg ÷ ajv |");
out("|---|---|---|---|---|");
for (const { kind } of KINDS) {
  for (const validity of ["valid", "invalid"]) {
    const p = get(kind, validity, "pkg-text");
    const a = get(kind, validity, "ajv-text");
    out(`| ${kind} | ${validity} | ${fmt(p)} | ${fmt(a)} | ${ratio(p, a)} |`);
  }
}
out();
out("Object in: the package's `validate<Kind>(obj)` against the libraries a JS team would pick for forms, and against `JSON.stringify(obj)` alone (the floor of a design that stringifies first):");
out();
out("| body | valid? | npm pkg (object) | valibot 1 | pkg ÷ valibot | zod 4 | pkg ÷ zod | JSON.stringify alone | pkg ÷ stringify |");
out("|---|---|---|---|---|---|---|---|---|");
for (const { kind } of KINDS) {
  for (const validity of ["valid", "invalid"]) {
    const p = get(kind, validity, "pkg");
    const vb = get(kind, validity, "valibot");
    const z = get(kind, validity, "zod");
    const st = get(kind, validity, "stringify");
    out(`| ${kind} | ${validity} | ${fmt(p)} | ${fmt(vb)} | ${ratio(p, vb)} | ${fmt(z)} | ${ratio(p, z)} | ${fmt(st)} | ${ratio(p, st)} |`);
  }
}
out();
out("JS ↔ wasm boundary (calls/s):");
out();
out("| call | calls/s | µs/call |");
out("|---|---|---|");
for (const [k, ops] of Object.entries(boundary)) out(`| \`${k}\` | ${fmt(ops)} | ${(1e6 / ops).toFixed(2)} |`);
out();
out("Violations reported per body (the agreement check: every library rejects exactly the invalid bodies):");
out();
const checked = LIBS.filter((l) => !l.timingOnly);
out("| body | valid? | " + checked.map((l) => l.id).join(" | ") + " |");
out("|---|---|" + checked.map(() => "---").join("|") + "|");
for (const r of agreement) out(`| ${r.kind} | ${r.validity} | ` + checked.map((l) => r[l.id]).join(" | ") + " |");
console.log(lines.join("\n"));

const resultsDir = join(root, "bench/results");
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, "validation.json"),
  JSON.stringify({ node: process.version, cellMs: CELL_MS, rounds: ROUNDS, results, boundary, agreement, sink }, null, 2) + "\n",
);
writeFileSync(join(resultsDir, "validation.md"), lines.join("\n") + "\n");
