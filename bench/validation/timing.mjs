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

/**
 * The median of the numbers in `xs` that are not NaN (a round that did not
 * count is NaN); of an even count, the mean of the middle two.
 */
export function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * {id: fn} -> {id: [µs per call, one per round]}: each round times every
 * function for `n` calls in turn, in reverse order every other round, after
 * a warm-up. Rounds this short see the same machine, so the ratio of two
 * functions' times in one round is what to compare (pairs.mjs): on a machine
 * whose speed drifts within seconds, best-of rounds (`compare`) do not.
 */
export function alternate(fns, { rounds = 300, n = 1000 } = {}) {
  const entries = Object.entries(fns);
  const time = (f) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink ^= f()?.length ?? 0;
    return Number(process.hrtime.bigint() - t0) / n / 1000;
  };
  for (let i = 0; i < 20; i++) entries.forEach(([, f]) => time(f));
  const out = Object.fromEntries(entries.map(([id]) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [id, f] of r & 1 ? [...entries].reverse() : entries) out[id].push(time(f));
  }
  return out;
}
