// Two builds of the npm package, alternated every N calls for PAIRS pairs
// (which one goes first alternates too), on the corpus bodies: the median of
// the pairs' time ratios (after ÷ before) and the ratio of the summed times.
// On a machine whose speed drifts by ±40% within seconds (seen on 2026-12-02:
// batches of the same 20,000 calls took 1.8 to 3.3 µs each), pairs this
// short see the same machine; best-of rounds (ab.mjs) do not. Timing only:
// run ab.mjs too, which checks that the two builds agree.
//
//   cp -a pkg /tmp/pkg-before             # built from the commit to compare with
//   node pkg/build.mjs                     # this tree
//   BEFORE=/tmp/pkg-before node bench/validation/pairs.mjs        # validateJson
//   BEFORE=/tmp/pkg-before MODE=object node bench/validation/pairs.mjs
//   AFTER=<another copy> (default: this tree's pkg/), PAIRS=300, N=1000
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KINDS } from "./corpus.mjs";
import { alternate, median } from "./timing.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
if (!process.env.BEFORE) {
  console.error("BEFORE=<a copy of pkg/ built from another commit> is required");
  process.exit(2);
}
const before = await import(join(resolve(process.env.BEFORE), "src/node.js"));
const after = await import(join(resolve(process.env.AFTER ?? join(root, "pkg")), "src/node.js"));
const PAIRS = Number(process.env.PAIRS ?? 300);
const N = Number(process.env.N ?? 1000);
const MODE = process.env.MODE ?? "json";
if (MODE !== "json" && MODE !== "object") {
  console.error(`MODE=${MODE}: json (validateJson) or object (validate)`);
  process.exit(2);
}

const sum = (xs) => xs.reduce((s, x) => s + x, 0);

for (const { kind, valid, invalid } of KINDS) {
  for (const [validity, body] of [["valid", valid], ["invalid", invalid]]) {
    const text = JSON.stringify(body);
    const call = (p) => (MODE === "json" ? () => p.validateJson(kind, text) : () => p.validate(kind, body));
    const { b: tb, a: ta } = alternate({ b: call(before), a: call(after) }, { rounds: PAIRS, n: N });
    const ratios = ta.map((x, i) => x / tb[i]);
    console.log(
      `${MODE} ${kind} ${validity}: median ${median(tb).toFixed(2)} → ${median(ta).toFixed(2)} µs; ` +
        `after ÷ before: median of pairs ×${median(ratios).toFixed(3)}, of sums ×${(sum(ta) / sum(tb)).toFixed(3)}`,
    );
  }
}
