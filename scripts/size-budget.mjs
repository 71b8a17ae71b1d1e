#!/usr/bin/env node
// The size budget (gzip -9): the npm package's main wasm at most 30 kB, the
// worker's wasm at most 250 kB. Prints the sizes; exits 1 over budget.
//   node scripts/size-budget.mjs pkg      (after node pkg/build.mjs)
//   node scripts/size-budget.mjs worker   (after scripts/build-worker.sh)
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url);
const BUDGETS = {
  pkg: [["pkg/dist/mdm_wasm_bg.wasm", 30_000], ["pkg/dist/mdm_qr.wasm", null]],
  worker: [["worker/build/index_bg.wasm", 250_000]],
};
const which = process.argv.slice(2);
let over = false;
for (const name of which.length ? which : Object.keys(BUDGETS)) {
  for (const [file, budget] of BUDGETS[name] ?? []) {
    const bytes = readFileSync(new URL(file, root));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    const verdict = budget === null ? "(no budget: loaded on first qrSvg)" : gzip <= budget ? `<= ${budget} B: ok` : `> ${budget} B: OVER BUDGET`;
    console.log(`size: ${file} ${bytes.length} B raw, ${gzip} B gzip -9 ${verdict}`);
    if (budget !== null && gzip > budget) over = true;
  }
}
process.exit(over ? 1 : 0);
