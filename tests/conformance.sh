#!/usr/bin/env bash
# Runs Okta's published SCIM suites (../shared/conformance) against the
# harness host with the module, each suite on a fresh integration.
#   tests/conformance.sh BUILD_DIR [CONFORMANCE_DIR] [sqlite|postgres|mysql]
# The server backends use the servers tests/databases.sh started (its env
# file sourced): each run gets a schema / database of its own, dropped after.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:?build dir}")
suites=$(realpath "${2:-$root/../shared/conformance}")
backend=${3:-sqlite}
state=$(mktemp -d /tmp/kestra-conformance.XXXXXX)
store="kc_conformance_$$"
harness_pid=""
pg() { PGPASSWORD="$KESTRA_TEST_DB_PASSWORD" psql -q -h 127.0.0.1 -p "$KESTRA_TEST_PG_PORT" -U "$KESTRA_TEST_DB_USER" -d kestra -c "$1"; }
my() { mariadb -h 127.0.0.1 -P "$KESTRA_TEST_MYSQL_PORT" -u"$KESTRA_TEST_DB_USER" -p"$KESTRA_TEST_DB_PASSWORD" -e "$1"; }
cleanup() {
  [ -n "$harness_pid" ] && kill -TERM "$harness_pid" 2>/dev/null && wait "$harness_pid" 2>/dev/null || true
  case "$backend" in
    postgres) pg "DROP SCHEMA IF EXISTS $store CASCADE" >/dev/null 2>&1 || true ;;
    mysql) my "DROP DATABASE IF EXISTS $store" >/dev/null 2>&1 || true ;;
  esac
  rm -rf "$state"
}
trap cleanup EXIT

case "$backend" in
  sqlite) datasource="" ;;
  postgres)
    pg "CREATE SCHEMA $store"
    datasource="kestra.repository.type: postgres
datasources.postgres.url: \"$KESTRA_TEST_POSTGRES_JDBC?currentSchema=$store\"
datasources.postgres.username: $KESTRA_TEST_DB_USER
datasources.postgres.password: \"$KESTRA_TEST_DB_PASSWORD\"" ;;
  mysql)
    my "CREATE DATABASE $store CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    datasource="kestra.repository.type: mysql
datasources.mysql.url: \"jdbc:mysql://127.0.0.1:$KESTRA_TEST_MYSQL_PORT/$store\"
datasources.mysql.username: $KESTRA_TEST_DB_USER
datasources.mysql.password: \"$KESTRA_TEST_DB_PASSWORD\"" ;;
  *) echo "unknown backend '$backend'" >&2; exit 2 ;;
esac

mkdir -p "$state/plugins"
ln -s "$build/module/libkestra-scim.so" "$state/plugins/"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
cat >"$state/application.yml" <<YAML
micronaut.server.host: 127.0.0.1
micronaut.server.port: 0
kestra.plugins.path: $state/plugins
kestra.ee.tenants.enabled: true
kestra.tenants: [conformance]
kestra.security.superAdmin.username: admin
kestra.security.superAdmin.password: "$password"
kestra.harness.data-dir: $state/data
kestra.scim.sqlite.path: $state/data/kestra-scim.db
$datasource
YAML
# A sanitizer build (KESTRA_SCIM_SANITIZE) of the harness and module: the
# options ctest uses (tests/CMakeLists.txt), unless the caller set its own.
supp="$root/tests/sanitizers"
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=\'$supp/lsan.supp\':print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=\'$supp/ubsan.supp\'}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:exitcode=66:suppressions=\'$supp/tsan.supp\'}
"$build/tests/harness/kestra-harness" --config "$state/application.yml" >"$state/harness.log" 2>&1 &
harness_pid=$!
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$state/harness.log" && break
  kill -0 "$harness_pid" 2>/dev/null || { cat "$state/harness.log" >&2; exit 1; }
  sleep 0.1
done
base=$(grep -m1 '^listening on ' "$state/harness.log" | sed 's/^listening on //')

# One integration per suite; prints "ID TOKEN".
integration() {
  curl -fsS -u "admin:$password" -H 'Content-Type: application/json' -X POST \
    "$base/api/v1/conformance/security-integrations" -d "{\"name\":\"$1\",\"type\":\"SCIM\"}" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["secretToken"])'
}

status=0
run_suite() {
  local name=$1; shift
  read -r id token < <(integration "$name")
  echo "== conformance ($backend): $name"
  if ! SCIM_BASE="$base/api/v1/conformance/integrations/$id/scim/v2" SCIM_TOKEN="$token" \
      python3 "$suites/okta_runscope_runner.py" "$@" >"$state/$name.log" 2>&1; then
    status=1
    grep -E 'FAIL' "$state/$name.log" | head -n 20
  fi
  tail -n 1 "$state/$name.log"
}
run_suite okta-spec --seed-user --spec "$suites/okta/Okta-SCIM-20-SPEC-Test.json"
run_suite okta-spec-2017 --seed-user --spec "$suites/okta/Okta-SCIM-20-SPEC-Test-old.json"
run_suite okta-crud --okta-emulate --spec "$suites/okta/Okta-SCIM-20-CRUD-Test.json"
# Entitlements: the tenant's assignable roles at /Roles (a role to list first).
curl -fsS -u "admin:$password" -H 'Content-Type: application/json' -X POST \
  "$base/api/v1/conformance/roles" -d '{"name":"Developer","permissions":{"FLOWS":["CREATE","READ","UPDATE"]}}' >/dev/null
run_suite okta-entitlements --spec "$suites/okta/Okta-SCIM-20-Entitlements-Test.json" --var EntitlementEndpoint=/Roles
# Stop the harness here, so that a report it prints on the way out (a leak)
# fails the run.
kill -TERM "$harness_pid" 2>/dev/null || true
wait "$harness_pid" 2>/dev/null || true
harness_pid=""
if grep -qE '^SUMMARY: (Address|Leak|UndefinedBehavior|Thread|Memory)Sanitizer' "$state/harness.log"; then
  status=1
  echo "== conformance ($backend): the harness printed a sanitizer report:"
  grep -B 40 -E '^SUMMARY: [A-Za-z]+Sanitizer' "$state/harness.log" | head -n 80
fi
exit $status
