// validate(name, obj) against validateJson(name, JSON.stringify(obj)), JSON.stringify
// alone and validateJson on a text kept from before, alternated in pairs of N=1000
// calls (BENCHMARKS.md 0q). PAIRS=200 by default.
//
//   node bench/validation/object-path.mjs
import { KINDS } from "./corpus.mjs";
const pkg = await import("../../pkg/src/node.js");
const N = 1000, PAIRS = Number(process.env.PAIRS ?? 200);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
for (const { kind, valid, invalid } of KINDS) {
  for (const [validity, body] of [["valid", valid], ["invalid", invalid]]) {
    const a = () => pkg.validate(kind, body);
    const b = () => pkg.validateJson(kind, JSON.stringify(body));
    const c = () => JSON.stringify(body);
    const text = JSON.stringify(body);
    const d = () => pkg.validateJson(kind, text);
    for (let i = 0; i < 20000; i++) { a(); b(); c(); d(); }
    const ra = [], rb = [], rc = [], rd = [];
    for (let p = 0; p < PAIRS; p++) {
      for (const [f, out] of (p & 1 ? [[a, ra], [b, rb], [c, rc], [d, rd]] : [[d, rd], [c, rc], [b, rb], [a, ra]])) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < N; i++) f();
        out.push(Number(process.hrtime.bigint() - t0) / N / 1000);
      }
    }
    const ratios = ra.map((x, i) => x / rb[i]);
    console.log(`${kind} ${validity}: validate ${median(ra).toFixed(2)} µs, validateJson(stringify) ${median(rb).toFixed(2)} µs, stringify ${median(rc).toFixed(2)} µs, validateJson(same text) ${median(rd).toFixed(2)} µs; validate ÷ the other, median of pairs ×${median(ratios).toFixed(3)}`);
  }
}
