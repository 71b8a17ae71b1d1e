// Two builds of the npm package side by side, interleaved in one process
// (best of R rounds of MS ms per cell), against ajv, valibot and
// JSON.stringify on the corpus bodies: on a loaded machine the honest way to
// compare a change (BENCHMARKS.md, section 0).
//
//   cp -a pkg /tmp/pkg-before            # built from the commit to compare with
//   node pkg/build.mjs                    # this tree
//   BEFORE=/tmp/pkg-before R=11 MS=200 node bench/validation/ab.mjs
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KINDS } from "./corpus.mjs";
import { ajvValidators, valibotValidators } from "./schemas.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
if (!process.env.BEFORE) {
  console.error("BEFORE=<a copy of pkg/ built from another commit> is required");
  process.exit(2);
}
const before = await import(join(resolve(process.env.BEFORE), "src/node.js"));
const after = await import(join(root, "pkg/src/node.js"));
const ajv = ajvValidators();
const valibot = valibotValidators();
const ROUNDS = Number(process.env.R ?? 7);
const MS = Number(process.env.MS ?? 200);

let sink = 0;
function rate(fn) {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MS * 1e6) {
    for (let i = 0; i < 200; i++) sink ^= fn()?.length ?? 0;
    n += 200;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  return n / (elapsed / 1e9);
}

for (const { kind, valid, invalid } of KINDS) {
  for (const [validity, body] of [["valid", valid], ["invalid", invalid]]) {
    const text = JSON.stringify(body);
    const [a, b] = [after, before].map((p) => JSON.stringify(p.validateJson(kind, text)));
    if (a !== b) throw new Error(`${kind} ${validity}: the two builds disagree\n${a}\n${b}`);
    const fns = {
      before: () => before.validateJson(kind, text),
      after: () => after.validateJson(kind, text),
      ajv: () => ajv[kind](JSON.parse(text)),
      stringify: () => JSON.stringify(body),
      beforeObject: () => before.validate(kind, body),
      afterObject: () => after.validate(kind, body),
      valibot: () => valibot[kind](body),
    };
    const best = Object.fromEntries(Object.keys(fns).map((k) => [k, 0]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, f] of Object.entries(fns)) best[k] = Math.max(best[k], rate(f));
    }
    const us = (k) => (1e6 / best[k]).toFixed(2);
    const x = (a, b) => (best[a] / best[b]).toFixed(2) + "x";
    console.log(
      `${kind} ${validity} (${text.length} B, ${JSON.parse(a).length} violations): ` +
        `validateJson before ${us("before")} µs, after ${us("after")} µs, ajv ${us("ajv")} µs ` +
        `(÷ ajv ${x("before", "ajv")} -> ${x("after", "ajv")}); validate(object) before ${us("beforeObject")} µs, ` +
        `after ${us("afterObject")} µs, valibot ${us("valibot")} µs, stringify ${us("stringify")} µs ` +
        `(÷ valibot ${x("afterObject", "valibot")}, ÷ stringify ${x("afterObject", "stringify")})`,
    );
  }
}
