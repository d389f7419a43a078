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

# The harness an earlier run left running (its shell killed) is stopped;
# any other program on the port is named, with how to choose another.
old=$(cat "$state/harness.pid" 2>/dev/null || true)
if [ -n "$old" ] && [ "$(readlink "/proc/$old/exe" 2>/dev/null)" = "$build/tests/harness/kestra-harness" ]; then
  kill -TERM "$old" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
fi
if ! python3 -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null; then
  echo "port $port is taken by another program: stop it, or choose another port, e.g. PORT=$((port + 1)) bash dist/run-harness.sh" >&2
  exit 1
fi

echo "building (Release) in $build ..."
mkdir -p "$build"
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release &&
       cmake --build "$build" -j "$(nproc)" --target kestra-harness kestra-scim; } >"$build/quickstart-build.log" 2>&1; then
  tail -n 40 "$build/quickstart-build.log" >&2
  exit 1
fi

mkdir -p "$state/plugins"
# A path as a YAML single-quoted scalar (spaces, colons and quotes kept).
yaml_path() { local q="'"; printf "'%s'" "${1//$q/$q$q}"; }
ln -sf "$build/module/libkestra-scim.so" "$state/plugins/libkestra-scim.so"
cat >"$state/application.yml" <<YAML
micronaut:
  server:
    host: 127.0.0.1
    port: $port
kestra:
  plugins:
    path: $(yaml_path "$state/plugins")
  ee:
    tenants:
      enabled: true
  tenants: [$tenant]
  security:
    superAdmin:
      username: admin
      password: ${ADMIN_PASSWORD:-admin-change-me}
  harness:
    data-dir: $(yaml_path "$state/data")
  scim:
    sqlite:
      path: $(yaml_path "$state/data/kestra-scim.db")
YAML
echo "config: $state/application.yml"
log="$state/harness.log"
"$build/tests/harness/kestra-harness" --config "$state/application.yml" >"$log" 2>&1 &
harness=$!
echo "$harness" >"$state/harness.pid"
trap 'kill -TERM $harness 2>/dev/null; wait $harness' INT TERM
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$log" && break
  kill -0 $harness 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
base=$(grep -m1 '^listening on ' "$log" | sed 's/^listening on //')
auth="admin:${ADMIN_PASSWORD:-admin-change-me}"
api="$base/api/v1/$tenant/security-integrations"

# Create the demo integration, or give the existing one a fresh token (a
# token is shown only once).
id=$(curl -fsS -u "$auth" "$api?q=demo" | python3 -c 'import json,sys; r=[i for i in json.load(sys.stdin)["results"] if i["name"]=="demo"]; print(r[0]["id"] if r else "")')
if [ -z "$id" ]; then
  created=$(curl -fsS -u "$auth" -H 'Content-Type: application/json' -X POST "$api" \
    -d '{"name":"demo","description":"Quick-start integration","type":"SCIM"}')
else
  created=$(curl -fsS -u "$auth" -X POST "$api/$id/rotate-token")
  created=$(python3 -c 'import json,sys; t=json.loads(sys.argv[1]); print(json.dumps(t))' "$created")
fi
token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secretToken"])' "$created")
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$created")

cat <<INFO
kestra-harness is running with kestra-scim on embedded SQLite ($state/data).
  base URL:           $base
  admin (HTTP Basic): $auth
  Provisioning page:  $base/ui/   (sign in with the admin credentials above)
  SCIM endpoint:      $base/api/v1/$tenant/integrations/$id/scim/v2
  secret token:       $token
  try: curl -H "Authorization: Bearer \$TOKEN" $base/api/v1/$tenant/integrations/$id/scim/v2/ServiceProviderConfig
  log: $log    (Ctrl-C stops the harness)
INFO
wait $harness
