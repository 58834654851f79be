#!/usr/bin/env bash
# Builds every fuzz target (fuzz/, see docs/security.md "Fuzzing") and runs each for
# SECONDS_PER_TARGET seconds (default 20); fails on the first crash, leaving its input in
# $ONSITE_FUZZ_DIR/artifacts/<target>/. With RUNS=N each target runs N inputs instead.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
#   RUNS=1000000 scripts/fuzz.sh          # the recorded runs of docs/security.md
#   scripts/fuzz.sh 60 forms cursors      # some targets only
#
# Stable toolchain, no sanitizer (`--sanitizer none`: the address sanitizer needs nightly, and
# the crates forbid unsafe code anyway): a target fails on any panic, including integer
# overflow (the fuzz build keeps overflow checks and debug assertions on). Build output, corpus
# and artifacts live in $ONSITE_FUZZ_DIR (default /var/cache/onsite/fuzz), never in the tree.
# Needs cargo-fuzz on the PATH (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
work=${ONSITE_FUZZ_DIR:-/var/cache/onsite/fuzz}
fuzz=(--fuzz-dir fuzz --sanitizer none --target-dir "$work/target")

# cargo fuzz run makes an empty fuzz/artifacts/<target>/ for each target even when told to write
# artifacts elsewhere: removed again, so that running leaves the tree as it was.
trap 'find fuzz/artifacts -depth -type d -empty -delete 2>/dev/null || true' EXIT

started=$(date +%s)
cargo fuzz build "${fuzz[@]}"
echo "fuzz targets built in $(( $(date +%s) - started ))s"

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi
if [ -n "${RUNS:-}" ]; then
    limit=(-runs="$RUNS")
else
    limit=(-max_total_time="$seconds")
fi

printf '%-20s %12s %10s %8s %8s\n' target executions exec/s seconds corpus
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    artifacts="$work/artifacts/$target"
    log="$work/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    t0=$(date +%s)
    if ! cargo fuzz run "${fuzz[@]}" "$target" "$corpus" -- \
        "${limit[@]}" -artifact_prefix="$artifacts/" -print_final_stats=1 \
        -max_len=4096 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "error: $target crashed; the input is in $artifacts/ (log: $log)" >&2
        exit 1
    fi
    # libFuzzer's own time for the runs (the wall time also counts a rebuild, if any).
    elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    elapsed=${elapsed:-$(( $(date +%s) - t0 ))}
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    files=$(find "$corpus" -type f | wc -l)
    printf '%-20s %12s %10s %8s %8s\n' "$target" "$runs" "$speed" "$elapsed" "$files"
done
echo "fuzzing: ${#targets[@]} targets, no crash ($(( $(date +%s) - started ))s)"
