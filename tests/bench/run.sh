#!/usr/bin/env bash
# The capacity set (creates, lookups, member PATCHes, group reads, an Okta
# sync, the SCIMMY peer) and the noisy-neighbour figure (one tenant's worst
# requests beside another tenant's lookups), on SQLite, PostgreSQL and
# MariaDB: builds Release in build-bench/, starts its own database servers
# (and the SCIMMY peer, per backend), runs every load, prints a table, the
# targets and one "name value unit" line per figure, and stops everything it
# started, also on failure.  Not a test: nothing here is asserted in ctest.
#   tests/bench/run.sh [--quick] [--backends sqlite,postgres,mysql] [--runs N] [--keep DIR]
#                      [--only issue6,noisy]
# --quick: small sizes, 1 run (development and smoke); default: full size
# (100,000 users, groups up to 100,000 members), 3 runs.
# --only noisy: only the noisy neighbour; --only issue6: only the capacity set.
# Environment: KESTRA_BENCH_BUILD (build dir), KESTRA_BENCH_PG_PORT /
# KESTRA_BENCH_MYSQL_PORT (default 61440 / 61310), KESTRA_BENCH_PEER_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
profile=full
backends=sqlite,postgres,mysql
driver_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) profile=quick ;;
    --profile) profile=${2:?}; shift ;;
    --backends) backends=${2:?}; shift ;;
    --runs) driver_args+=(--runs "${2:?}"); shift ;;
    --only) driver_args+=(--only "${2:?}"); shift ;;
    --keep) driver_args+=(--keep "$(realpath -m "${2:?}")"); shift ;;
    --no-peer) driver_args+=(--no-peer) ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

build=$(realpath -m "${KESTRA_BENCH_BUILD:-$root/build-bench}")
if [ ! -f "$build/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target bench

state=$(mktemp -d /tmp/kestra-bench.XXXXXX)
export KESTRA_BENCH_PEER_DIR=${KESTRA_BENCH_PEER_DIR:-/tmp/kestra-bench-peer}
# The database servers the backends need: postgres, mysql, both or none.
engines=""
case ",$backends," in *,postgres,*) engines=postgres ;; esac
case ",$backends," in *,mysql,*) [ -n "$engines" ] && engines=both || engines=mysql ;; esac
driver_pid=""
cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  # The peer the driver may have left behind (it stops it itself normally).
  peer_pid=$(cat "$KESTRA_BENCH_PEER_DIR/server.pid" 2>/dev/null || true)
  if [ -n "$peer_pid" ] && grep -q server.mjs "/proc/$peer_pid/cmdline" 2>/dev/null; then
    kill -TERM "$peer_pid" 2>/dev/null || true
  fi
  if [ -n "$engines" ]; then
    bash "$root/tests/databases.sh" destroy "$state" >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$engines" ]; then
  export KESTRA_TEST_PG_PORT=${KESTRA_BENCH_PG_PORT:-61440}
  export KESTRA_TEST_MYSQL_PORT=${KESTRA_BENCH_MYSQL_PORT:-61310}
  bash "$root/tests/databases.sh" start "$state" "$engines"
  # shellcheck disable=SC1091
  source "$state/env"
fi

results="$build/bench-results-$profile.txt"
python3 "$root/tests/bench/driver.py" --build "$build" --backends "$backends" --profile "$profile" \
  "${driver_args[@]}" >"$results" &
driver_pid=$!
driver_status=0
wait "$driver_pid" || driver_status=$?
driver_pid=""
cat "$results"
echo "(also in $results)" >&2
exit "$driver_status"
