#!/usr/bin/env bash
# The whole test suite, as on CI: installs missing Debian packages, builds
# Release, starts its own PostgreSQL and MariaDB on loopback, runs ctest
# (the browser test included), stops the servers, then runs each fuzz
# target for KESTRA_FUZZ_SECONDS (default 60) in a clang ASan + UBSan build
# (BUILD_DIR-fuzz).  Exits non-zero on any failure.  Run as root on Debian 12.
#
# KESTRA_TEST_SANITIZERS=1 runs ctest in an AddressSanitizer +
# UndefinedBehaviorSanitizer build instead (gcc, -O1, BUILD_DIR-asan), and
# the tests labelled "concurrency" in a ThreadSanitizer build
# (BUILD_DIR-tsan, their targets only).  A sanitizer report in a test or in
# any process it starts (the harness host, the module) fails that test
# (tests/sanitizers/).  About twice the time of the default run on 2 cores.
#   tests/run.sh [BUILD_DIR]        (default: build-test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build-test}")
jobs=$(nproc)
sanitizers=${KESTRA_TEST_SANITIZERS:-0}

bash "$root/dist/install-deps.sh" --test
if [ "$sanitizers" = 1 ]; then
  # -O1 with line tables: reports carry file:line, builds stay quick.
  flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
         "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
  suite="$build-asan"
  cmake -S "$root" -B "$suite" "${flags[@]}" -DKESTRA_SCIM_SANITIZE=address,undefined >/dev/null
  cmake --build "$suite" -j "$jobs"
  cmake -S "$root" -B "$build-tsan" "${flags[@]}" -DKESTRA_SCIM_SANITIZE=thread >/dev/null
  cmake --build "$build-tsan" -j "$jobs" --target concurrency-tests
else
  suite="$build"
  cmake -S "$root" -B "$suite" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$suite" -j "$jobs"
fi

state="$build/databases"
mkdir -p "$build"
cleanup() { bash "$root/tests/databases.sh" stop "$state" || true; }
trap cleanup EXIT
bash "$root/tests/databases.sh" start "$state"
# shellcheck disable=SC1091
source "$state/env"
export KESTRA_TEST_REQUIRE_DATABASES=1
# install-deps.sh --test installed Chromium and playwright-core: the browser
# test (ui.provisioning) must run, never skip.
export KESTRA_TEST_REQUIRE_BROWSER=1

status=0
ctest --test-dir "$suite" --output-on-failure -j "$jobs" --timeout 600 || status=1
if [ "$sanitizers" = 1 ]; then
  ctest --test-dir "$build-tsan" --output-on-failure -j "$jobs" --timeout 900 -L concurrency || status=1
fi
cleanup
trap - EXIT

bash "$root/tests/fuzz/run.sh" "$build-fuzz" "${KESTRA_FUZZ_SECONDS:-60}" || status=1
exit $status
