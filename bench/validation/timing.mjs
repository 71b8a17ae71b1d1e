// A small, dependency-free ops/s timer: calibrate a batch of ~10 ms, then run
// batches for CELL_MS, ROUNDS times, and keep the best round (the least
// disturbed by other processes on a shared machine).
export const CELL_MS = Number(process.env.BENCH_MS ?? 400);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export let sink = 0;
export function opsPerSec(fn) {
  let batch = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink ^= fn()?.length ?? 0;
    if (Number(process.hrtime.bigint() - t) > 10e6) break;
    batch *= 2;
  }
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < CELL_MS * 1e6) {
      for (let i = 0; i < batch; i++) sink ^= fn()?.length ?? 0;
      n += batch;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    best = Math.max(best, n / (elapsed / 1e9));
  }
  return best;
}

export const fmt = (n) =>
  n >= 1e6 ? (n / 1e6).toFixed(2) + " M" : n >= 1e3 ? (n / 1e3).toFixed(0) + " k" : n.toFixed(0);
export const ratio = (a, b) => (a / b).toFixed(2) + "×";
