#!/usr/bin/env bash
# tests/databases.sh from where a root user keeps a checkout:
# its state in a folder of mode 700 owned by root, with a space in its path.
#   1. both servers start, answer over TCP, and keep their data across
#      stop and start;
#   2. after an interrupted run (both servers SIGKILLed: stale pid files,
#      socket locks) the next start succeeds with the data kept;
#   3. a port taken by another program fails the start with one line that
#      names the port and the variable that chooses another;
#   4. destroy leaves nothing running, no private folder, the logs kept.
# Usage: databases_test.sh SOURCE_DIR   (as root; own ports 61434 / 61308)
set -euo pipefail
script="$1/tests/databases.sh"
if [ "$(id -u)" != 0 ]; then
  echo "SKIPPED: tests/databases.sh runs as root"
  [ "${KESTRA_TEST_REQUIRE_DATABASES:-}" = 1 ] && exit 1
  exit 77
fi
export KESTRA_TEST_PG_PORT=${KESTRA_DATABASES_TEST_PG_PORT:-61434}
export KESTRA_TEST_MYSQL_PORT=${KESTRA_DATABASES_TEST_MYSQL_PORT:-61308}
private=$(mktemp -d /tmp/kestra-databases-test.XXXXXX)  # mode 700, root's
state="$private/checkout with space/databases"
listener=""
cleanup() {
  [ -z "$listener" ] || kill "$listener" 2>/dev/null || true
  bash "$script" destroy "$state" >/dev/null 2>&1 || true
  bash "$script" destroy "$private/taken" >/dev/null 2>&1 || true
  rm -rf "$private"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pg() { PGPASSWORD=kestra-test psql -h 127.0.0.1 -p "$KESTRA_TEST_PG_PORT" -U kestra -d kestra -tAq -c "$1"; }
my() { mariadb -h 127.0.0.1 -P "$KESTRA_TEST_MYSQL_PORT" -ukestra -pkestra-test kestra -N -e "$1"; }
server_dir() { cat "$state/server-dir"; }
rows() { echo "pg=$(pg 'SELECT count(*) FROM kept' 2>&1) my=$(my 'SELECT count(*) FROM kept' 2>&1)"; }
port_free() {
  python3 -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

[ "$(stat -c '%a %U' "$private")" = "700 root" ] || fail "$private is not mode 700 owned by root"

echo "1. start, stop, start"
bash "$script" start "$state"
pg 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)'
my 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)'
[ "$(rows)" = "pg=1 my=1" ] || fail "rows after start: $(rows)"
bash "$script" stop "$state"
pg 'SELECT 1' >/dev/null 2>&1 && fail "PostgreSQL still answers after stop"
bash "$script" start "$state"
[ "$(rows)" = "pg=1 my=1" ] || fail "rows after a restart: $(rows)"

echo "2. an interrupted run: both servers SIGKILLed"
srv=$(server_dir)
kill -KILL "$(head -n 1 "$srv/pg/data/postmaster.pid")" "$(cat "$srv/mysql/mysqld.pid")"
sleep 0.5
[ -f "$srv/pg/data/postmaster.pid" ] || fail "the test meant to leave a stale postmaster.pid"
bash "$script" start "$state" || fail "start after an interrupted run"
[ "$(rows)" = "pg=1 my=1" ] || fail "rows after an interrupted run: $(rows)"

echo "3. a port taken by another program"
python3 -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 61435)); s.listen(); time.sleep(120)' &
listener=$!
for _ in $(seq 1 50); do port_free 61435 || break; sleep 0.1; done
set +e
said=$(KESTRA_TEST_PG_PORT=61435 bash "$script" start "$private/taken" postgres 2>&1)
status=$?
set -e
[ "$status" = 1 ] || fail "start on a taken port exited $status"
[ "$(echo "$said" | wc -l)" = 1 ] || fail "start on a taken port said more than one line: $said"
case "$said" in *"port 61435"*KESTRA_TEST_PG_PORT*) ;; *) fail "the line does not name the port and KESTRA_TEST_PG_PORT: $said" ;; esac
kill "$listener" 2>/dev/null || true
listener=""

echo "4. destroy"
srv=$(server_dir)
pids="$(head -n 1 "$srv/pg/data/postmaster.pid") $(pgrep -P "$(head -n 1 "$srv/pg/data/postmaster.pid")" | tr '\n' ' ')$(cat "$srv/mysql/mysqld.pid")"
bash "$script" destroy "$state"
[ ! -e "$srv" ] || fail "destroy left $srv"
[ ! -e "$state/server-dir" ] || fail "destroy left the pointer"
[ -s "$state/logs/postgresql.log" ] && [ -s "$state/logs/mariadb.log" ] || fail "destroy did not keep the servers' logs"
for pid in $pids; do
  if [ -e "/proc/$pid" ] && ! grep -q '^[^)]*) Z' "/proc/$pid/stat" 2>/dev/null; then fail "process $pid of the servers still runs"; fi
done
port_free "$KESTRA_TEST_PG_PORT" || fail "port $KESTRA_TEST_PG_PORT still taken after destroy"
port_free "$KESTRA_TEST_MYSQL_PORT" || fail "port $KESTRA_TEST_MYSQL_PORT still taken after destroy"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "tests/databases.sh: all checks passed"
