#!/usr/bin/env bash
# The packages of dist/, from an already built tree:
#   1. cpack makes the .deb and .tar.gz of each component (module, harness)
#      into a temporary directory, rebuilding nothing;
#   2. their contents: the module in the plugin directory, its resources,
#      the example and harness configuration, the harness; one exported
#      symbol; the .deb and the .tar.gz hold the same tree;
#   3. the Debian metadata: names, versions, Depends naming installed
#      Debian 12 packages that provide every library the binaries need,
#      conffiles;
#   4. each tree (dpkg-deb -x, tar -x into temporary roots) runs: the
#      installed harness with its installed configuration (port 0, SQLite
#      in a temporary directory) loads the installed module; /health,
#      /api/v1/plugins, an integration created through the admin API, and
#      SCIM requests with its token.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
version=$(sed -n 's/^project(kestra_scim VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
arch=$(dpkg --print-architecture)
work=$(mktemp -d "${TMPDIR:-/tmp}/kestra-package.XXXXXX")
harness_pid=""

cleanup() {
  if [ -n "$harness_pid" ] && kill -0 "$harness_pid" 2>/dev/null; then
    kill -TERM "$harness_pid" 2>/dev/null || true
    wait "$harness_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
die() {
  echo "FAIL: $*" >&2
  exit 1
}

# ------------------------------------------------------------------ 1. cpack
module_so="$build/module/libkestra-scim.so"
harness_bin="$build/tests/harness/kestra-harness"
[ -f "$module_so" ] && [ -x "$harness_bin" ] || die "build the tree first (module and harness missing)"
touch "$work/before-cpack"
started=$(date +%s.%N)
if ! cpack --config "$build/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  die "cpack failed"
fi
echo "cpack: $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s"
rebuilt=$(find "$build" -path "$build/packages" -prune -o \( -name '*.o' -o -name '*.a' -o -name '*.so' -o -path "$harness_bin" \) \
  -newer "$work/before-cpack" -print | head -5)
check "cpack rebuilt nothing${rebuilt:+ (newer: $rebuilt)}" [ -z "$rebuilt" ]

module_deb="$work/packages/kestra-scim_${version}_${arch}.deb"
harness_deb="$work/packages/kestra-harness_${version}_${arch}.deb"
module_tgz="$work/packages/kestra-scim-${version}-linux-$(uname -m).tar.gz"
harness_tgz="$work/packages/kestra-harness-${version}-linux-$(uname -m).tar.gz"
for f in "$module_deb" "$harness_deb" "$module_tgz" "$harness_tgz"; do
  [ -s "$f" ] || { ls -l "$work/packages" >&2; die "missing package $(basename "$f")"; }
  echo "package: $(basename "$f") $(stat -c %s "$f") bytes"
done

# ------------------------------------------------------------------ 2. contents
deb_root="$work/deb-root"
tgz_root="$work/tgz-root"
mkdir -p "$deb_root" "$tgz_root"
dpkg-deb -x "$module_deb" "$deb_root"
dpkg-deb -x "$harness_deb" "$deb_root"
tar -xzf "$module_tgz" -C "$tgz_root"
tar -xzf "$harness_tgz" -C "$tgz_root"

expected=(
  usr/lib/kestra/plugins/libkestra-scim.so
  usr/bin/kestra-harness
  etc/kestra-scim/application.yml
  etc/kestra-scim/harness.yml
  usr/share/doc/kestra-scim/README.md
)
# The guides.
while IFS= read -r doc; do
  expected+=("usr/share/doc/kestra-scim/docs/${doc#"$source_dir/dist/docs/"}")
done < <(find "$source_dir/dist/docs" -type f | sort)
# Every resource the module embeds, installed for reading, and the page.
while IFS= read -r resource; do
  expected+=("usr/share/kestra-scim/${resource#"$source_dir/resources/"}")
done < <(find "$source_dir/resources/migrations" "$source_dir/resources/scim" "$source_dir/resources/openapi" \
           "$source_dir/resources/ui" -type f 2>/dev/null | sort)
for root in "$deb_root" "$tgz_root"; do
  missing=0
  for f in "${expected[@]}"; do
    [ -f "$root/$f" ] || { echo "  missing $f under $(basename "$root")" >&2; missing=1; }
  done
  check "$(basename "$root") holds the module, its ${#expected[@]} files and the harness" [ $missing -eq 0 ]
done
list_tree() { (cd "$1" && find . -type f | sort); }
check "the .deb and the .tar.gz hold the same files" [ "$(list_tree "$deb_root")" = "$(list_tree "$tgz_root")" ]
check "the installed resources are the sources'" \
  diff -r "$source_dir/resources/scim" "$deb_root/usr/share/kestra-scim/scim"
installed_so="$deb_root/usr/lib/kestra/plugins/libkestra-scim.so"
check "the installed module exports kestra_plugin_entry only" \
  [ "$(nm -D --defined-only "$installed_so" | awk '{print $3}' | sort -u)" = "kestra_plugin_entry" ]
check "the installed module is a shared object" bash -c "readelf -h '$installed_so' | grep -q 'Type: *DYN'"

# ------------------------------------------------------------------ 3. Debian metadata
field() { dpkg-deb -f "$1" "$2"; }
check "module package name" [ "$(field "$module_deb" Package)" = "kestra-scim" ]
check "harness package name" [ "$(field "$harness_deb" Package)" = "kestra-harness" ]
check "module version" [ "$(field "$module_deb" Version)" = "$version" ]
check "architecture" [ "$(field "$module_deb" Architecture)" = "$arch" ]
check "the harness needs the module" bash -c "dpkg-deb -f '$harness_deb' Depends | grep -qF 'kestra-scim (= $version)'"

# Each Depends entry names a package that is installed here, and together
# they provide every library the binary needs.
check_depends() {  # DEB BINARY
  local deb=$1 binary=$2 depends needed lib path owner ok=0
  depends=$(field "$deb" Depends)
  echo "  $(basename "$deb") Depends: $depends"
  local names
  names=$(echo "$depends" | tr ',' '\n' | sed 's/([^)]*)//; s/^ *//; s/ *$//' | grep -v '^kestra-')
  for name in $names; do
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" ||
      { echo "  $name is not an installed Debian package" >&2; ok=1; }
  done
  needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  for lib in $needed; do
    case "$lib" in ld-linux*) continue ;; esac
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)
    [ -n "$owner" ] || owner=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
    if [ -z "$owner" ] || ! echo "$names" | grep -qx "$owner"; then
      echo "  $lib ($path) comes from '${owner:-?}', which Depends does not name" >&2
      ok=1
    fi
  done
  return $ok
}
check "module Depends covers its libraries" check_depends "$module_deb" "$installed_so"
check "harness Depends covers its libraries" check_depends "$harness_deb" "$deb_root/usr/bin/kestra-harness"
check "module conffiles" bash -c "dpkg-deb -I '$module_deb' conffiles | grep -qx /etc/kestra-scim/application.yml"
check "harness conffiles" bash -c "dpkg-deb -I '$harness_deb' conffiles | grep -qx /etc/kestra-scim/harness.yml"

# ------------------------------------------------------------------ 4. the installed harness and module
run_installed() {  # ROOT
  local root=$1 name state config log base auth created id token status body
  name=$(basename "$root")
  state="$work/state-$name"
  config="$work/harness-$name.yml"
  log="$work/harness-$name.log"
  mkdir -p "$state"
  # The installed configuration, moved into the temporary root: port 0, the
  # extracted plugin directory, SQLite and the tenant list in $state.
  sed -e "s#^\(    port:\) 8080#\1 0#" \
      -e "s#/usr/lib/kestra/plugins#$root/usr/lib/kestra/plugins#" \
      -e "s#/usr/share/kestra-scim#$root/usr/share/kestra-scim#" \
      -e "s#/var/lib/kestra-scim#$state#" \
      "$root/etc/kestra-scim/harness.yml" >"$config"
  grep -q "port: 0" "$config" && grep -q "$root/usr/lib/kestra/plugins" "$config" && grep -q "$state" "$config" ||
    { fail "$name: the installed harness.yml has an unexpected shape"; return; }
  (cd "$state" && exec "$root/usr/bin/kestra-harness" --config "$config") >"$log" 2>&1 &
  harness_pid=$!
  for _ in $(seq 1 300); do
    grep -q '^listening on ' "$log" && break
    kill -0 "$harness_pid" 2>/dev/null || break
    sleep 0.1
  done
  base=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$log" | head -1)
  if [ -z "$base" ]; then
    cat "$log" >&2
    fail "$name: the installed harness did not start"
    return
  fi
  echo "$name: $base"
  check "$name: the installed module loaded" grep -q "module loaded: kestra-scim $version" "$log"
  check "$name: /health" bash -c "curl -fsS '$base/health' | grep -q '\"UP\"'"
  check "$name: the Provisioning page is served from the installed folder" \
    bash -c "grep -q 'path: $root/usr/share/kestra-scim/ui' '$config' &&
             curl -fsS '$base/ui/' | grep -q 'Provisioning'"
  auth="admin:change-me"
  body=$(curl -fsS -u "$auth" "$base/api/v1/plugins")
  check "$name: /api/v1/plugins lists kestra-scim $version from the installed path" python3 - "$body" "$version" \
    "$root/usr/lib/kestra/plugins/libkestra-scim.so" <<'PY'
import json, sys
plugins = json.loads(sys.argv[1])
found = [p for p in plugins if p["id"] == "kestra-scim"]
sys.exit(0 if len(found) == 1 and found[0]["version"] == sys.argv[2] and found[0]["path"] == sys.argv[3] else 1)
PY
  created=$(curl -sS -u "$auth" -H 'Content-Type: application/json' -w '\n%{http_code}' \
    -d '{"name":"okta","description":"package test","type":"SCIM"}' "$base/api/v1/main/security-integrations")
  status=$(echo "$created" | tail -1)
  check "$name: an integration is created through the admin API (201)" [ "$status" = "201" ]
  id=$(echo "$created" | head -n -1 | python3 -c 'import json,sys; print(json.load(sys.stdin).get("id",""))' 2>/dev/null || true)
  token=$(echo "$created" | head -n -1 | python3 -c 'import json,sys; print(json.load(sys.stdin).get("secretToken",""))' 2>/dev/null || true)
  if [ -n "$id" ] && [ -n "$token" ]; then
    local scim="$base/api/v1/main/integrations/$id/scim/v2"
    status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$scim/ServiceProviderConfig")
    check "$name: SCIM GET /ServiceProviderConfig with the integration's token (200)" [ "$status" = "200" ]
    status=$(curl -sS -o "$work/user.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/scim+json' \
      -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"package.test@example.com"}' "$scim/Users")
    check "$name: SCIM POST /Users (201)" [ "$status" = "201" ]
    status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$scim/Users")
    check "$name: a wrong token is refused (401)" [ "$status" = "401" ]
    check "$name: the user is in the SQLite file under the temporary root" [ -s "$state/kestra-scim.db" ]
    check "$name: the module reports metrics to the installed harness" \
      bash -c "curl -fsS '$base/metrics' | grep -q '^kestra_scim_requests_total{.*resource=\"Users\".*status=\"201\"'"
  else
    fail "$name: no id or token in the admin API's answer: $created"
  fi
  kill -TERM "$harness_pid"
  if wait "$harness_pid"; then echo "ok: $name: the harness stopped cleanly"; else fail "$name: the harness exit status"; fi
  harness_pid=""
}
run_installed "$deb_root"
run_installed "$tgz_root"

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all package checks passed"
