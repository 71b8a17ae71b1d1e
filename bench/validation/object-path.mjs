// What `validate(name, obj)` pays beyond its parts (BENCHMARKS.md 0q), on the
// corpus bodies, alternated in rounds of N calls (timing.mjs's `alternate`):
// `validate(obj)` against `validateJson(JSON.stringify(obj))`, then
// `JSON.stringify` alone and `validateJson` on a text kept from before, and
// what encoding stringify's fresh text costs against a kept one
// (`TextEncoder.encodeInto`, Node's `Buffer#utf8Write`).
//
//   node bench/validation/object-path.mjs       # ROUNDS=200, N=1000
import { KINDS } from "./corpus.mjs";
import { alternate, median } from "./timing.mjs";

const pkg = await import("../../pkg/src/node.js");
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const N = Number(process.env.N ?? 1000);
const encoder = new TextEncoder();
const scratch = new Uint8Array(1 << 16);
const buffer = Buffer.from(scratch.buffer);

for (const { kind, valid, invalid } of KINDS) {
  for (const [validity, body] of [["valid", valid], ["invalid", invalid]]) {
    const text = JSON.stringify(body);
    const t = alternate(
      {
        validate: () => pkg.validate(kind, body),
        "validateJson(stringify)": () => pkg.validateJson(kind, JSON.stringify(body)),
        stringify: () => JSON.stringify(body),
        "validateJson(kept text)": () => pkg.validateJson(kind, text),
        "stringify+encodeInto": () => [encoder.encodeInto(JSON.stringify(body), scratch).written],
        "stringify+utf8Write": () => [buffer.utf8Write(JSON.stringify(body), 0)],
        "encodeInto(kept text)": () => [encoder.encodeInto(text, scratch).written],
        "utf8Write(kept text)": () => [buffer.utf8Write(text, 0)],
      },
      { rounds: ROUNDS, n: N },
    );
    const ratios = t.validate.map((x, i) => x / t["validateJson(stringify)"][i]);
    const cells = Object.entries(t).map(([id, xs]) => `${id} ${median(xs).toFixed(2)}`);
    console.log(`${kind} ${validity} (${text.length} B), µs: ${cells.join(", ")}; validate ÷ validateJson(stringify), median of rounds ×${median(ratios).toFixed(3)}`);
  }
}
