// The shared validation corpus (crates/mdm-wasm/tests/corpus.json), expanded.
import { readFileSync } from "node:fs";

const file = new URL("../../crates/mdm-wasm/tests/corpus.json", import.meta.url);

export function expand(v) {
  if (Array.isArray(v)) return v.map(expand);
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "$repeat") return v.$repeat[0].repeat(v.$repeat[1]);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  }
  return v;
}

export const corpusText = readFileSync(file, "utf8");
export const cases = JSON.parse(corpusText).cases.map((c) => ({ ...c, body: expand(c.body) }));
