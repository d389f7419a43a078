#!/usr/bin/env bash
# Quick start: installs missing Debian packages, builds Release, and runs the
# harness host with the module on the embedded SQLite database.
#   dist/run-harness.sh            (PORT=8080 TENANT=main by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
port=${PORT:-8080}
tenant=${TENANT:-main}
state=${STATE_DIR:-$root/build/quickstart}

bash "$root/dist/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target kestra-harness kestra-scim

mkdir -p "$state/plugins"
ln -sf "$build/module/libkestra-scim.so" "$state/plugins/libkestra-scim.so"
cat >"$state/application.yml" <<YAML
micronaut:
  server:
    host: 127.0.0.1
    port: $port
kestra:
  plugins:
    path: $state/plugins
  ee:
    tenants:
      enabled: true
  tenants: [$tenant]
  security:
    superAdmin:
      username: admin
      password: ${ADMIN_PASSWORD:-admin-change-me}
  harness:
    data-dir: $state/data
  scim:
    sqlite:
      path: $state/data/kestra-scim.db
YAML
echo "config: $state/application.yml"
echo "SCIM base for tenant '$tenant': http://127.0.0.1:$port/api/v1/$tenant/integrations/{integrationId}/scim/v2"
echo "try:    curl http://127.0.0.1:$port/api/v1/$tenant/integrations/demo/scim/v2/ServiceProviderConfig"
exec "$build/tests/harness/kestra-harness" --config "$state/application.yml"
