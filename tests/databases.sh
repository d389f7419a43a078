#!/usr/bin/env bash
# Starts or stops the PostgreSQL 15 and MariaDB servers the tests use, on
# loopback and unusual ports.  Run as root.
#
# STATE_DIR may be anywhere root can write, /root/... and paths with spaces
# included: it holds the env file and a pointer.  The servers' data, sockets
# and logs live in a private folder made for the run under /tmp
# (kestra-test-db.XXXXXX), which the postgres and mysql users can reach;
# `destroy` removes it (keeping the servers' logs in STATE_DIR/logs/).
# ENGINE (postgres or mysql) limits a command to that server; default both.
#   tests/databases.sh start   STATE_DIR [ENGINE]  -> writes STATE_DIR/env (sourceable)
#   tests/databases.sh stop    STATE_DIR [ENGINE]  (PostgreSQL -m fast, MariaDB SIGTERM; data kept)
#   tests/databases.sh destroy STATE_DIR           (stops every server of STATE_DIR, removes their files)
# Faults, for tests that break a server of their own (tests/faults/):
#   tests/databases.sh crash  STATE_DIR ENGINE   (PostgreSQL -m immediate, MariaDB SIGKILL)
#   tests/databases.sh freeze STATE_DIR ENGINE   (SIGSTOP: connections open, nothing answers)
#   tests/databases.sh thaw   STATE_DIR ENGINE   (SIGCONT)
# Ports: KESTRA_TEST_PG_PORT (61432), KESTRA_TEST_MYSQL_PORT (61306).
set -euo pipefail
cmd=${1:?start|stop|destroy|crash|freeze|thaw}
state=$(realpath -m "${2:?state dir}")
engine=${3:-both}
case "$engine" in
  both|postgres|mysql) ;;
  *) echo "ENGINE must be postgres or mysql, not '$engine'" >&2; exit 2 ;;
esac
case "$cmd" in
  crash|freeze|thaw)
    [ "$engine" != both ] || { echo "$cmd needs an ENGINE (postgres or mysql)" >&2; exit 2; } ;;
esac
[ "$(id -u)" = 0 ] || { echo "tests/databases.sh runs as root (it starts the servers as postgres and mysql)" >&2; exit 2; }
# Above the kernel's ephemeral range (32768-60999): a client socket can
# never hold the port when the server binds it.
PG_PORT=${KESTRA_TEST_PG_PORT:-61432}
MY_PORT=${KESTRA_TEST_MYSQL_PORT:-61306}
DB_PASSWORD=kestra-test
pointer=$state/server-dir

# The private folder of STATE_DIR's servers, or nothing when it has none.
srv=""
if [ -f "$pointer" ]; then
  srv=$(cat "$pointer")
  case "$srv" in
    /tmp/kestra-test-db.*) [ -d "$srv" ] || srv="" ;;
    *) echo "$pointer does not name a folder of tests/databases.sh: '$srv'" >&2; exit 1 ;;
  esac
fi

make_server_dir() {
  [ -z "$srv" ] || return 0
  mkdir -p "$state"
  srv=$(mktemp -d /tmp/kestra-test-db.XXXXXX)
  chmod 711 "$srv"  # the service users pass through; only root lists it
  echo "$srv" >"$pointer"
}

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { echo "PostgreSQL's server is not installed (bash dist/install-deps.sh --test installs it)" >&2; exit 1; }
  echo "$bin"
}

# One line and exit 1 when another program listens on PORT.
require_free_port() {  # PORT VARIABLE WHAT
  if ! python3 -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; then
    echo "port $1 ($3 of the tests) is taken by another program: stop it, or choose another port with $2=NNNNN" >&2
    exit 1
  fi
}

fail_with_log() {  # MESSAGE LOG
  echo "$1; the end of $2:" >&2
  tail -n 20 "$2" >&2 2>/dev/null || true
  exit 1
}

start_postgres() {
  local bin dir=$srv/pg data=$srv/pg/data
  bin=$(pg_bin)
  [ -z "$(server_pids postgres)" ] || return 0  # already up
  require_free_port "$PG_PORT" KESTRA_TEST_PG_PORT PostgreSQL
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    su postgres -s /bin/sh -c "'$bin/initdb' -D '$data' --auth-local=trust --auth-host=scram-sha-256 -U postgres >'$dir/initdb.log' 2>&1" ||
      fail_with_log "initdb failed" "$dir/initdb.log"
  fi
  # Not running: a kill -9 leaves the pid file and the socket's lock behind.
  rm -f "$data/postmaster.pid" "$dir"/.s.PGSQL.*
  su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$data' -l '$dir/server.log' -w -t 60 start -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k '$dir' -c fsync=off -c max_connections=300\"" >/dev/null ||
    fail_with_log "PostgreSQL did not start on port $PG_PORT" "$dir/server.log"
  su postgres -s /bin/sh -c "psql -h '$dir' -p $PG_PORT -U postgres -d postgres -v ON_ERROR_STOP=1 -q" <<SQL
SELECT 'CREATE ROLE kestra LOGIN PASSWORD ''$DB_PASSWORD'' CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kestra')\gexec
SELECT 'CREATE DATABASE kestra OWNER kestra' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'kestra')\gexec
SQL
}

start_mariadb() {
  local dir=$srv/mysql data=$srv/mysql/data sock=$srv/mysql/mysqld.sock pid
  [ -z "$(server_pids mysql)" ] || return 0  # already up
  require_free_port "$MY_PORT" KESTRA_TEST_MYSQL_PORT MariaDB
  mkdir -p "$dir"
  chown mysql:mysql "$dir"
  if [ ! -d "$data/mysql" ]; then
    mariadb-install-db --no-defaults --user=mysql --datadir="$data" --auth-root-authentication-method=socket \
      >"$dir/install.log" 2>&1 || fail_with_log "mariadb-install-db failed" "$dir/install.log"
  fi
  rm -f "$dir/mysqld.pid" "$sock" "$sock.lock"
  setsid mariadbd --no-defaults --user=mysql --datadir="$data" --socket="$sock" --port="$MY_PORT" \
    --bind-address=127.0.0.1 --pid-file="$dir/mysqld.pid" --log-error="$dir/server.log" \
    --innodb-flush-log-at-trx-commit=2 --max-connections=300 </dev/null >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    mariadb-admin --socket="$sock" -uroot ping >/dev/null 2>&1 && break
    alive "$pid" || fail_with_log "MariaDB did not start on port $MY_PORT" "$dir/server.log"
    sleep 0.5
  done
  mariadb-admin --socket="$sock" -uroot ping >/dev/null || fail_with_log "MariaDB does not answer" "$dir/server.log"
  mariadb --socket="$sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS kestra CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'kestra'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS 'kestra'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'kestra'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'kestra'@'localhost';
FLUSH PRIVILEGES;
SQL
}

# A process that runs (a zombie, dead but not yet reaped, does not).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# The server's processes: the postmaster and its children, or mariadbd.
server_pids() {
  local pid file
  [ -n "$srv" ] || return 0
  if [ "$1" = postgres ]; then
    file=$srv/pg/data/postmaster.pid
    [ -f "$file" ] || return 0
    pid=$(head -n 1 "$file")
    alive "$pid" || return 0
    echo "$pid"
    pgrep -P "$pid" || true
  else
    file=$srv/mysql/mysqld.pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if alive "$pid"; then echo "$pid"; fi
  fi
  return 0
}

# A stopped (frozen) server cannot shut down: wake it first.
thaw() {
  local pids
  pids=$(server_pids "$1")
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -CONT $pids 2>/dev/null || true
}

stop_postgres() {  # MODE (fast or immediate)
  local pid
  [ -n "$srv" ] && [ -f "$srv/pg/data/postmaster.pid" ] || return 0
  thaw postgres
  pid=$(head -n 1 "$srv/pg/data/postmaster.pid")
  su postgres -s /bin/sh -c "'$(pg_bin)/pg_ctl' -D '$srv/pg/data' -m $1 -w -t 30 stop" >/dev/null 2>&1 || true
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi  # still there after 30 s
}

stop_mariadb() {  # SIGNAL (TERM or KILL)
  local pid
  [ -n "$srv" ] && [ -f "$srv/mysql/mysqld.pid" ] || return 0
  thaw mysql
  pid=$(cat "$srv/mysql/mysqld.pid")
  kill "-$1" "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi  # still there after 30 s
  rm -f "$srv/mysql/mysqld.pid"
}

# Stops whatever STATE_DIR's servers left running (an interrupted run's
# too), keeps their logs in STATE_DIR/logs/ and removes their folder.
destroy() {
  local pid
  [ -n "$srv" ] || { rm -f "$pointer" "$state/env"; return 0; }
  stop_postgres fast
  stop_mariadb TERM
  # The postmaster's children outlive a SIGKILLed postmaster for a moment.
  for pid in $(grep -l -s "$srv" /proc/[0-9]*/cmdline | cut -d/ -f3); do kill -KILL "$pid" 2>/dev/null || true; done
  mkdir -p "$state/logs"
  cp "$srv/pg/server.log" "$state/logs/postgresql.log" 2>/dev/null || true
  cp "$srv/mysql/server.log" "$state/logs/mariadb.log" 2>/dev/null || true
  rm -rf "$srv"
  rm -f "$pointer" "$state/env"
}

want() { [ "$engine" = both ] || [ "$engine" = "$1" ]; }

case "$cmd" in
  start)
    make_server_dir
    if want postgres; then start_postgres; fi
    if want mysql; then start_mariadb; fi
    {
      if want postgres; then
        echo "export KESTRA_TEST_POSTGRES=\"postgresql://host=127.0.0.1 port=$PG_PORT dbname=kestra user=kestra password=$DB_PASSWORD\""
        echo "export KESTRA_TEST_POSTGRES_JDBC=\"jdbc:postgresql://127.0.0.1:$PG_PORT/kestra\""
        echo "export KESTRA_TEST_PG_PORT=$PG_PORT"
      fi
      if want mysql; then
        echo "export KESTRA_TEST_MYSQL=\"mysql://host=127.0.0.1 port=$MY_PORT db=kestra user=kestra password=$DB_PASSWORD charset=utf8mb4\""
        echo "export KESTRA_TEST_MYSQL_JDBC=\"jdbc:mysql://127.0.0.1:$MY_PORT/kestra\""
        echo "export KESTRA_TEST_MYSQL_PORT=$MY_PORT"
      fi
      echo "export KESTRA_TEST_DB_USER=kestra KESTRA_TEST_DB_PASSWORD=$DB_PASSWORD"
    } >"$state/env"
    if want postgres; then
      PGPASSWORD=$DB_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U kestra -d kestra -tAc 'select 1' >/dev/null
    fi
    if want mysql; then
      mariadb -h 127.0.0.1 -P "$MY_PORT" -ukestra -p"$DB_PASSWORD" kestra -e 'select 1' >/dev/null
    fi
    up=""
    if want postgres; then up+=" postgresql 127.0.0.1:$PG_PORT"; fi
    if want mysql; then up+=" mariadb 127.0.0.1:$MY_PORT"; fi
    echo "databases up:$up ($srv)"
    ;;
  stop)
    if want postgres; then stop_postgres fast; fi
    if want mysql; then stop_mariadb TERM; fi
    ;;
  destroy) destroy ;;
  crash)
    if want postgres; then stop_postgres immediate; else stop_mariadb KILL; fi
    ;;
  freeze|thaw)
    pids=$(server_pids "$engine")
    [ -n "$pids" ] || { echo "no $engine server runs for $state" >&2; exit 1; }
    # shellcheck disable=SC2086
    kill "-$([ "$cmd" = freeze ] && echo STOP || echo CONT)" $pids
    ;;
  *) echo "usage: $0 start|stop|destroy|crash|freeze|thaw STATE_DIR [postgres|mysql]" >&2; exit 2 ;;
esac
