// What encoding JSON.stringify's fresh text costs, against a text kept from before:
// TextEncoder.encodeInto and Node's Buffer#utf8Write, alternated in pairs of 2,000
// calls (BENCHMARKS.md 0q).
//
//   node bench/validation/encode-fresh.mjs
import { KINDS } from "./corpus.mjs";
const enc = new TextEncoder();
const mem = new Uint8Array(1 << 16);
const buf = Buffer.from(mem.buffer, 0, mem.length);
const N = 2000, PAIRS = 100;
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
for (const { kind, valid } of KINDS) {
  const body = valid, text = JSON.stringify(body);
  const fns = {
    stringify: () => JSON.stringify(body),
    "stringify+encodeInto": () => enc.encodeInto(JSON.stringify(body), mem).written,
    "stringify+utf8Write": () => buf.utf8Write(JSON.stringify(body), 0),
    "encodeInto(same text)": () => enc.encodeInto(text, mem).written,
    "utf8Write(same text)": () => buf.utf8Write(text, 0),
  };
  const names = Object.keys(fns), r = Object.fromEntries(names.map((n) => [n, []]));
  for (const f of Object.values(fns)) for (let i = 0; i < 20000; i++) f();
  for (let p = 0; p < PAIRS; p++) for (const n of (p & 1 ? names : [...names].reverse())) {
    const f = fns[n]; const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f();
    r[n].push(Number(process.hrtime.bigint() - t0) / N / 1000);
  }
  console.log(kind, text.length, "B:", names.map((n) => `${n} ${median(r[n]).toFixed(2)}`).join(", "), "µs");
}
