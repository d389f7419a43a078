#!/usr/bin/env bash
# The whole test suite, as on CI: installs missing Debian packages, builds,
# starts its own PostgreSQL and MariaDB on loopback, runs ctest, stops them,
# then runs each fuzz target for KESTRA_FUZZ_SECONDS (default 60) in a clang
# ASan + UBSan build (BUILD_DIR-fuzz).  Exits non-zero on any failure.  Run
# as root on Debian 12.
#   tests/run.sh [BUILD_DIR]        (default: build-test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build-test}")
jobs=$(nproc)

bash "$root/dist/install-deps.sh" --test
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs"

state="$build/databases"
cleanup() { bash "$root/tests/databases.sh" stop "$state" || true; }
trap cleanup EXIT
bash "$root/tests/databases.sh" start "$state"
# shellcheck disable=SC1091
source "$state/env"
export KESTRA_TEST_REQUIRE_DATABASES=1
# install-deps.sh --test installed Chromium and playwright-core: the browser
# test (ui.provisioning) must run, never skip.
export KESTRA_TEST_REQUIRE_BROWSER=1

ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600

bash "$root/tests/fuzz/run.sh" "$build-fuzz" "${KESTRA_FUZZ_SECONDS:-60}"
