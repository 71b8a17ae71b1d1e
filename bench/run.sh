#!/usr/bin/env bash
# make bench (after `make build`): validation in Node, the JS <-> wasm boundary,
# and the worker on local workerd. Prints markdown tables; bench/results/ keeps
# the JSON and markdown of the last run. About 12 minutes (plus cold builds of
# the bench-only wasm and bench/worker-floor, ~3 min, the first time).
#
#   make bench                                   # everything
#   BENCH_ONLY=validation|boundary|worker make bench
#   BENCH_MS=400 BENCH_ROUNDS=3                  # validation: per cell
#   PAIRED_PROCESSES=3 PAIRED_ROUNDS=100 PAIRED_N=500   # boundary: the goals' paired rounds
#   DURATION_S=4 WARM_S=1 CONNECTIONS=8 SIZES=1000,100000   # worker load phases
#   INTERLEAVE=5                                 # worker: rounds behind the ratios to /health
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash bench/install.sh
[[ -f pkg/dist/mdm_wasm_bg.wasm ]] || node pkg/build.mjs --quiet
only="${BENCH_ONLY:-all}"
# A part that fails (a disagreement between validators, a build error) is
# reported and the other parts still run; the exit status says something failed.
status=0

echo "# make bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if [[ $only == all || $only == validation ]]; then
  node bench/validation/run.mjs || status=1
  echo
fi
if [[ $only == all || $only == boundary ]]; then
  if bash bench/boundary/build.sh; then
    node bench/validation/boundary.mjs || status=1
  else
    echo "(boundary section skipped: bench/boundary did not build)"
    status=1
  fi
  echo
fi
if [[ $only == all || $only == worker ]]; then
  # The size floor under the worker's wasm (bench/worker-floor), beside its size.
  bash bench/worker-floor/build.sh || { echo "(worker floor not built)"; status=1; }
  node bench/worker/run.mjs || status=1
fi
echo
node bench/summary.mjs || status=1
exit $status
