#!/usr/bin/env bash
# Starts or stops the PostgreSQL 15 and MariaDB servers the tests use, on
# loopback and unusual ports, in a state folder of their own.  Run as root.
# ENGINE (postgres or mysql) limits a command to that server; default both.
#   tests/databases.sh start STATE_DIR [ENGINE]  -> writes STATE_DIR/env (sourceable)
#   tests/databases.sh stop  STATE_DIR [ENGINE]  (PostgreSQL -m fast, MariaDB SIGTERM)
# Faults, for tests that break a server of their own (tests/faults/):
#   tests/databases.sh crash  STATE_DIR ENGINE   (PostgreSQL -m immediate, MariaDB SIGKILL)
#   tests/databases.sh freeze STATE_DIR ENGINE   (SIGSTOP: connections open, nothing answers)
#   tests/databases.sh thaw   STATE_DIR ENGINE   (SIGCONT)
set -euo pipefail
cmd=${1:?start|stop|crash|freeze|thaw}
state=$(realpath -m "${2:?state dir}")
engine=${3:-both}
case "$engine" in
  both|postgres|mysql) ;;
  *) echo "ENGINE must be postgres or mysql, not '$engine'" >&2; exit 2 ;;
esac
if [ "$engine" = both ] && [ "$cmd" != start ] && [ "$cmd" != stop ]; then
  echo "$cmd needs an ENGINE (postgres or mysql)" >&2; exit 2
fi
# Above the kernel's ephemeral range (32768-60999): a client socket can
# never hold the port when the server binds it.
PG_PORT=${KESTRA_TEST_PG_PORT:-61432}
MY_PORT=${KESTRA_TEST_MYSQL_PORT:-61306}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
DB_PASSWORD=kestra-test

start_postgres() {
  local data=$state/pg/data sock=$state/pg/sock
  mkdir -p "$sock"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    chown -R postgres:postgres "$state/pg"
    su postgres -s /bin/sh -c "$PG_BIN/initdb -D '$data' --auth-local=trust --auth-host=scram-sha-256 -U postgres >'$state/pg/initdb.log' 2>&1"
  fi
  chown -R postgres:postgres "$state/pg"
  # A kill -9 can leave a stale pid file behind.
  if [ -f "$data/postmaster.pid" ] && ! kill -0 "$(head -n 1 "$data/postmaster.pid")" 2>/dev/null; then
    rm -f "$data/postmaster.pid"
  fi
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$data' -l '$state/pg/server.log' -w -t 60 start -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k $sock -c fsync=off -c max_connections=300\"" >/dev/null
  su postgres -s /bin/sh -c "psql -h '$sock' -p $PG_PORT -U postgres -d postgres -v ON_ERROR_STOP=1 -q" <<SQL
SELECT 'CREATE ROLE kestra LOGIN PASSWORD ''$DB_PASSWORD'' CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kestra')\gexec
SELECT 'CREATE DATABASE kestra OWNER kestra' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'kestra')\gexec
SQL
}

start_mariadb() {
  local data=$state/mysql/data sock=$state/mysql/mysqld.sock
  mkdir -p "$state/mysql"
  chown mysql:mysql "$state/mysql"
  if [ ! -d "$data/mysql" ]; then
    mariadb-install-db --no-defaults --user=mysql --datadir="$data" --auth-root-authentication-method=socket \
      >"$state/mysql/install.log" 2>&1
  fi
  setsid mariadbd --no-defaults --user=mysql --datadir="$data" --socket="$sock" --port="$MY_PORT" \
    --bind-address=127.0.0.1 --pid-file="$state/mysql/mysqld.pid" --log-error="$state/mysql/server.log" \
    --innodb-flush-log-at-trx-commit=2 --max-connections=300 </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    mariadb-admin --socket="$sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb-admin --socket="$sock" -uroot ping >/dev/null
  mariadb --socket="$sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS kestra CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'kestra'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS 'kestra'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'kestra'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'kestra'@'localhost';
FLUSH PRIVILEGES;
SQL
}

# The server's processes: the postmaster and its children, or mariadbd.
server_pids() {
  local pid
  if [ "$1" = postgres ]; then
    [ -f "$state/pg/data/postmaster.pid" ] || return 0
    pid=$(head -n 1 "$state/pg/data/postmaster.pid")
    kill -0 "$pid" 2>/dev/null || return 0
    echo "$pid"
    pgrep -P "$pid" || true
  else
    [ -f "$state/mysql/mysqld.pid" ] || return 0
    pid=$(cat "$state/mysql/mysqld.pid")
    kill -0 "$pid" 2>/dev/null && echo "$pid"
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

stop_postgres() {
  thaw postgres
  if [ -f "$state/pg/data/postmaster.pid" ]; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$state/pg/data' -m ${1:-fast} -w stop" >/dev/null 2>&1 || true
  fi
}

stop_mariadb() {
  thaw mysql
  if [ -f "$state/mysql/mysqld.pid" ]; then
    local pid
    pid=$(cat "$state/mysql/mysqld.pid")
    kill "-${1:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi  # still there after 30 s
    rm -f "$state/mysql/mysqld.pid"
  fi
}

want() { [ "$engine" = both ] || [ "$engine" = "$1" ]; }

case "$cmd" in
  start)
    mkdir -p "$state"
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
    echo "databases up:$up"
    ;;
  stop)
    if want postgres; then stop_postgres fast; fi
    if want mysql; then stop_mariadb TERM; fi
    ;;
  crash)
    if want postgres; then stop_postgres immediate; else stop_mariadb KILL; fi
    ;;
  freeze|thaw)
    pids=$(server_pids "$engine")
    [ -n "$pids" ] || { echo "no $engine server runs in $state" >&2; exit 1; }
    # shellcheck disable=SC2086
    kill "-$([ "$cmd" = freeze ] && echo STOP || echo CONT)" $pids
    ;;
  *) echo "usage: $0 start|stop|crash|freeze|thaw STATE_DIR [postgres|mysql]" >&2; exit 2 ;;
esac
