#!/usr/bin/env bash
# Runs Okta's published SCIM suites (../shared/conformance) against the
# harness host with the module, each suite on a fresh integration.
#   tests/conformance.sh BUILD_DIR [CONFORMANCE_DIR]
# Extra YAML for the harness (e.g. a datasource) can come in CONFORMANCE_YAML.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:?build dir}")
suites=$(realpath "${2:-$root/../shared/conformance}")
state=$(mktemp -d /tmp/kestra-conformance.XXXXXX)
harness_pid=""
cleanup() {
  [ -n "$harness_pid" ] && kill -TERM "$harness_pid" 2>/dev/null && wait "$harness_pid" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

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
${CONFORMANCE_YAML:-}
YAML
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
  echo "== conformance: $name"
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
exit $status
