#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a
# bounded time from the seed corpus of real Okta and Entra payloads.  Fails on
# any crash, leak, timeout or sanitizer report; the input that caused it is
# left in the build folder (crash-*, leak-*, timeout-*): add it to
# tests/fuzz/corpus/<target>/ and a regression test for it.
#   tests/fuzz/run.sh [BUILD_DIR] [SECONDS_PER_TARGET]   (defaults: build-fuzz, 60)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${1:-$root/build-fuzz}")
seconds=${2:-${KESTRA_FUZZ_SECONDS:-60}}
targets=(filter patch resource abi)

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKESTRA_SCIM_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

status=0
for target in "${targets[@]}"; do
  work="$build/fuzz-$target"
  rm -rf "$work" && mkdir -p "$work/corpus"
  cp "$root/tests/fuzz/corpus/$target/"* "$work/corpus/"
  # -detect_leaks stays on (ASan's LeakSanitizer); -timeout: one input, seconds.
  if (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 corpus >"$work/log.txt" 2>&1); then
    runs=$(grep -m1 'stat::number_of_executed_units' "$work/log.txt" | awk '{print $2}')
    echo "fuzz $target: ${runs:-?} executions in ${seconds}s, no finding"
  else
    status=1
    echo "fuzz $target: FINDING (see $work/log.txt)"
    grep -E 'ERROR|SUMMARY|runtime error' "$work/log.txt" | head -n 10 || true
  fi
done
exit $status
