#!/usr/bin/env bash
# The whole test suite, as on CI.  Run as root on Debian 12.  Installs missing
# Debian packages, starts its own PostgreSQL and MariaDB on loopback, then:
#   1. Release (BUILD_DIR): the module and the harness as shipped, packaged
#      and installed by dist.package; .ci/run's Okta suites run on this build.
#   2. AddressSanitizer + UndefinedBehaviorSanitizer (gcc, BUILD_DIR-asan):
#      every ctest test, the browser test included.  The module, adapters
#      and harness build at -O1, the tests' own code at -O0.
#   3. ThreadSanitizer (gcc, -O1, BUILD_DIR-tsan): the tests labelled
#      "concurrency" (target concurrency-tests).
#   4. libFuzzer (clang, ASan + UBSan, BUILD_DIR-fuzz): each target for
#      KESTRA_FUZZ_SECONDS (default 60), as many at once as there are cores.
# A sanitizer report in a test or in any process it starts (the harness host,
# the module) fails that test (tests/sanitizers/).  Exits non-zero on any
# failure.
#
# KESTRA_TEST_SANITIZERS=0 runs ctest in the Release build instead of steps
# 2 and 3: about half the time, for a quick local check.
#   tests/run.sh [BUILD_DIR]        (default: build-test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build-test}")
jobs=$(nproc)
sanitizers=${KESTRA_TEST_SANITIZERS:-1}
builds=("$build" "$build-asan" "$build-tsan" "$build-fuzz")

[ "$(id -u)" = 0 ] || { echo "tests/run.sh: run as root (it installs packages and starts PostgreSQL and MariaDB as their users)" >&2; exit 1; }
bash "$root/dist/install-deps.sh" --test
bash "$root/tests/preflight.sh"

# What an interrupted run (Ctrl-C, a killed shell) may have left: database
# servers (this run's and the fault tests') and processes of the builds
# (harness hosts, tests).  Stopped before the run and after it.
stop_leftovers() {
  local dir pointer pid exe
  for dir in "${builds[@]}"; do
    [ -d "$dir" ] || continue
    while IFS= read -r -d '' pointer; do
      bash "$root/tests/databases.sh" destroy "$(dirname "$pointer")" || true
    done < <(find "$dir" -name server-dir -type f -print0)
  done
  for pid in /proc/[0-9]*; do
    exe=$(readlink "$pid/exe" 2>/dev/null) || continue
    for dir in "${builds[@]}"; do
      case "$exe" in "$dir"/*) kill -KILL "${pid#/proc/}" 2>/dev/null || true ;; esac
    done
  done
}
stop_leftovers
state="$build/databases"
trap stop_leftovers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# The servers first: a port in use or a server that cannot start fails the
# run now, not after the build.
bash "$root/tests/databases.sh" start "$state"
# shellcheck disable=SC1091
source "$state/env"
export KESTRA_TEST_REQUIRE_DATABASES=1
# install-deps.sh --test installed Chromium and playwright-core: the browser
# test (ui.provisioning) must run, never skip.
export KESTRA_TEST_REQUIRE_BROWSER=1

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ "$sanitizers" = 1 ]; then
  cmake --build "$build" -j "$jobs" --target kestra-scim kestra-harness
  # -O1 with line tables: reports carry file:line, builds stay quick.
  flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
         "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
  cmake -S "$root" -B "$build-asan" "${flags[@]}" -DKESTRA_SCIM_SANITIZE=address,undefined >/dev/null
  cmake --build "$build-asan" -j "$jobs"
  cmake -S "$root" -B "$build-tsan" "${flags[@]}" -DKESTRA_SCIM_SANITIZE=thread >/dev/null
  cmake --build "$build-tsan" -j "$jobs" --target concurrency-tests
else
  cmake --build "$build" -j "$jobs"
fi

status=0
if [ "$sanitizers" = 1 ]; then
  echo "== Release: dist.package"
  ctest --test-dir "$build" --output-on-failure -R '^dist\.package$' || status=1
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer: all tests"
  ctest --test-dir "$build-asan" --output-on-failure -j "$jobs" --timeout 900 || status=1
  echo "== ThreadSanitizer: the concurrency tests"
  ctest --test-dir "$build-tsan" --output-on-failure -j "$jobs" --timeout 900 -L concurrency || status=1
else
  ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600 || status=1
fi
stop_leftovers

bash "$root/tests/fuzz/run.sh" "$build-fuzz" "${KESTRA_FUZZ_SECONDS:-60}" || status=1
exit $status
