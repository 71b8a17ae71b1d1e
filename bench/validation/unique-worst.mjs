// The costliest body the unique-ids rule can be handed: the worker's largest
// body (64 KB, worker/src/http/body.rs) as one assignment list of distinct
// ids, plain and escaped. Every item's id is compared with every earlier
// one's (by hash first: scan/walk.rs `Id`), so this is the rule's worst case.
// The fastest of five calls each; the answer is the cap's 100 violations.
//
//   node bench/validation/unique-worst.mjs             # this tree's pkg/
//   P=/tmp/pkg-before node bench/validation/unique-worst.mjs
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = await import(join(resolve(process.env.P ?? join(root, "pkg")), "src/node.js"));
const LIMIT = 64 * 1024;

for (const escaped of [false, true]) {
  const items = [];
  let length = `{"aosPolicyAssignments":[]}`.length;
  for (let i = 0; ; i++) {
    const item = `{"aosPolicyId":"${escaped ? "\\u0061" : "a"}${i.toString(36)}"}`;
    if (length + item.length + 1 > LIMIT) break;
    items.push(item);
    length += item.length + 1;
  }
  const text = `{"aosPolicyAssignments":[${items.join(",")}]}`;
  let ms = Infinity;
  let violations;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    violations = pkg.validateJson("AospDeviceUpdate", text);
    ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(
    `${escaped ? "escaped" : "plain"} distinct ids: ${items.length} items, ${text.length} B, ` +
      `${violations.length} violations, ${ms.toFixed(1)} ms`,
  );
}
