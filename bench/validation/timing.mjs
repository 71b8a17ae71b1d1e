// A small, dependency-free ops/s timer. `compare` measures several functions
// interleaved: each round times every function for CELL_MS in turn, ROUNDS
// times, and keeps each one's best round, so a burst of load from other
// processes on a shared machine hits all of them alike rather than one.
export const CELL_MS = Number(process.env.BENCH_MS ?? 300);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

export let sink = 0;

function calibrate(fn) {
  let batch = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink ^= fn()?.length ?? 0;
    if (Number(process.hrtime.bigint() - t) > 5e6) return batch;
    batch *= 2;
  }
}

function once(fn, batch) {
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < CELL_MS * 1e6) {
    for (let i = 0; i < batch; i++) sink ^= fn()?.length ?? 0;
    n += batch;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return n / (elapsed / 1e9);
}

/** {id: fn} -> {id: best ops/s}, measured interleaved. */
export function compare(fns) {
  const entries = Object.entries(fns);
  const batches = entries.map(([, fn]) => calibrate(fn));
  const best = Object.fromEntries(entries.map(([id]) => [id, 0]));
  for (let r = 0; r < ROUNDS; r++) {
    entries.forEach(([id, fn], i) => {
      best[id] = Math.max(best[id], once(fn, batches[i]));
    });
  }
  return best;
}

export const opsPerSec = (fn) => compare({ x: fn }).x;

export const fmt = (n) =>
  n >= 1e6 ? (n / 1e6).toFixed(2) + " M" : n >= 1e3 ? (n / 1e3).toFixed(0) + " k" : n.toFixed(0);
export const ratio = (a, b) => (a / b).toFixed(2) + "×";
