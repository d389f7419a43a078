#!/usr/bin/env bash
# The whole test suite, as on CI: installs missing Debian packages, builds
# everything with AddressSanitizer + UndefinedBehaviorSanitizer (gcc, -O1),
# builds the tests labelled "concurrency" with ThreadSanitizer
# (BUILD_DIR-tsan), starts its own PostgreSQL and MariaDB on loopback, runs
# all of ctest in the first build and `ctest -L concurrency` in the second,
# stops the servers, then runs each fuzz target for KESTRA_FUZZ_SECONDS
# (default 60) in a clang ASan + UBSan build (BUILD_DIR-fuzz).  A sanitizer
# report in a test or in any process it starts (the harness host, the
# module) fails that test (tests/sanitizers/).  Exits non-zero on any
# failure.  Run as root on Debian 12.
#   tests/run.sh [BUILD_DIR]        (default: build-test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build-test}")
tsan="$build-tsan"
jobs=$(nproc)
# -O1 with line tables: sanitizer reports carry file:line, builds stay quick.
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
       "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")

bash "$root/dist/install-deps.sh" --test
cmake -S "$root" -B "$build" "${flags[@]}" -DKESTRA_SCIM_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j "$jobs"
cmake -S "$root" -B "$tsan" "${flags[@]}" -DKESTRA_SCIM_SANITIZE=thread >/dev/null
cmake --build "$tsan" -j "$jobs" --target concurrency-tests

state="$build/databases"
cleanup() { bash "$root/tests/databases.sh" stop "$state" || true; }
trap cleanup EXIT
bash "$root/tests/databases.sh" start "$state"
# shellcheck disable=SC1091
source "$state/env"
export KESTRA_TEST_REQUIRE_DATABASES=1

status=0
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600 || status=1
ctest --test-dir "$tsan" --output-on-failure -j "$jobs" --timeout 900 -L concurrency || status=1
cleanup
trap - EXIT

bash "$root/tests/fuzz/run.sh" "$build-fuzz" "${KESTRA_FUZZ_SECONDS:-60}" || status=1
exit $status
