#!/usr/bin/env bash
# Starts or stops the PostgreSQL 15 and MariaDB servers the tests use, on
# loopback and unusual ports, in a state folder of their own.  Run as root.
#   tests/databases.sh start STATE_DIR   -> writes STATE_DIR/env (sourceable)
#   tests/databases.sh stop  STATE_DIR
set -euo pipefail
cmd=${1:?start|stop}
state=$(realpath -m "${2:?state dir}")
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

case "$cmd" in
  start)
    mkdir -p "$state"
    start_postgres
    start_mariadb
    cat >"$state/env" <<ENV
export KESTRA_TEST_POSTGRES="postgresql://host=127.0.0.1 port=$PG_PORT dbname=kestra user=kestra password=$DB_PASSWORD"
export KESTRA_TEST_POSTGRES_JDBC="jdbc:postgresql://127.0.0.1:$PG_PORT/kestra"
export KESTRA_TEST_MYSQL="mysql://host=127.0.0.1 port=$MY_PORT db=kestra user=kestra password=$DB_PASSWORD charset=utf8mb4"
export KESTRA_TEST_MYSQL_JDBC="jdbc:mysql://127.0.0.1:$MY_PORT/kestra"
export KESTRA_TEST_DB_USER=kestra KESTRA_TEST_DB_PASSWORD=$DB_PASSWORD
export KESTRA_TEST_PG_PORT=$PG_PORT KESTRA_TEST_MYSQL_PORT=$MY_PORT
ENV
    PGPASSWORD=$DB_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U kestra -d kestra -tAc 'select 1' >/dev/null
    mariadb -h 127.0.0.1 -P "$MY_PORT" -ukestra -p"$DB_PASSWORD" kestra -e 'select 1' >/dev/null
    echo "databases up: postgresql 127.0.0.1:$PG_PORT, mariadb 127.0.0.1:$MY_PORT"
    ;;
  stop)
    if [ -f "$state/pg/data/postmaster.pid" ]; then
      su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$state/pg/data' -m fast -w stop" >/dev/null 2>&1 || true
    fi
    if [ -f "$state/mysql/mysqld.pid" ]; then
      pid=$(cat "$state/mysql/mysqld.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
