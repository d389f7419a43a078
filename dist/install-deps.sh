#!/usr/bin/env bash
# Installs the Debian 12 packages kestra-scim needs to build, test and run.
# Idempotent and quiet when everything is present.  Run as root.
#   dist/install-deps.sh          build + run
#   dist/install-deps.sh --test   also the database servers the tests start, and
#                                 clang with libFuzzer for tests/fuzz
set -euo pipefail

packages=(cmake g++ make libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libsoci-dev
  libssl-dev libyaml-cpp-dev libpq-dev libmariadb-dev libsqlite3-dev sqlite3 curl python3 binutils)
if [ "${1:-}" = "--test" ]; then
  packages+=(postgresql-15 postgresql-client-15 mariadb-server mariadb-client clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
