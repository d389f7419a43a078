#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a
# bounded time from the seed corpus of real Okta and Entra payloads, one per
# core at a time.  Fails on any crash, leak, timeout or sanitizer report; the
# input that caused it is left in the build folder (crash-*, leak-*,
# timeout-*): add it to tests/fuzz/corpus/<target>/ and a regression test
# for it.
#   tests/fuzz/run.sh [BUILD_DIR] [SECONDS_PER_TARGET]   (defaults: build-fuzz, 60)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${1:-$root/build-fuzz}")
seconds=${2:-${KESTRA_FUZZ_SECONDS:-60}}
targets=(filter patch resource abi)

# Debian 12's clang-14 package names its compilers clang-14 and clang++-14.
CC=${KESTRA_FUZZ_CC:-clang-14} CXX=${KESTRA_FUZZ_CXX:-clang++-14} cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKESTRA_SCIM_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

# One fuzzer per core at a time; each still gets its full SECONDS.
fuzz() {  # fuzz TARGET: runs it, writes its verdict to fuzz-TARGET/verdict
  local target=$1 work="$build/fuzz-$1"
  rm -rf "$work" && mkdir -p "$work/corpus"
  cp "$root/tests/fuzz/corpus/$target/"* "$work/corpus/"
  # -detect_leaks stays on (ASan's LeakSanitizer); -timeout: one input, seconds.
  if (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 corpus >"$work/log.txt" 2>&1); then
    runs=$(grep -m1 'stat::number_of_executed_units' "$work/log.txt" | awk '{print $2}')
    echo "fuzz $target: ${runs:-?} executions in ${seconds}s, no finding" >"$work/verdict"
  else
    { echo "fuzz $target: FINDING (see $work/log.txt)"
      grep -E 'ERROR|SUMMARY|runtime error' "$work/log.txt" | head -n 10 || true; } >"$work/verdict"
  fi
}
parallel=$(nproc)
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$parallel" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz "$target" &
  running=$((running + 1))
done
wait

status=0
for target in "${targets[@]}"; do
  verdict="$build/fuzz-$target/verdict"
  if [ -f "$verdict" ]; then cat "$verdict"; else echo "fuzz $target: no verdict"; status=1; fi
  grep -q ', no finding$' "$verdict" 2>/dev/null || status=1
done
exit $status
