#!/usr/bin/env bash
# Installs the Debian 12 packages kestra-scim needs to build, test and run.
# Idempotent and quiet when everything is present.  Run as root.
#   dist/install-deps.sh          build + run
#   dist/install-deps.sh --test   also the database servers the tests start,
#                                 clang with libFuzzer for tests/fuzz, and
#                                 Chromium, Node.js and tests/ui's npm packages
#                                 (playwright-core) for the browser test
set -euo pipefail

packages=(cmake g++ make libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libsoci-dev
  libicu-dev libssl-dev libyaml-cpp-dev libpq-dev libmariadb-dev libsqlite3-dev sqlite3 curl python3 binutils)
if [ "${1:-}" = "--test" ]; then
  packages+=(postgresql-15 postgresql-client-15 mariadb-server mariadb-client procps clang-14 libclang-rt-14-dev chromium)
  # Node.js may come from elsewhere (with its own npm): only when absent.
  # Debian 12's is 18: tests/ui pins a playwright-core that runs on it.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# The browser test's npm packages, exactly as locked (npm ci), unless the
# installed ones already match the lock file.
if [ "${1:-}" = "--test" ]; then
  ui="$(cd "$(dirname "$0")/.." && pwd)/tests/ui"
  locked=$(node -p 'require(process.argv[1]).packages["node_modules/playwright-core"].version' "$ui/package-lock.json")
  installed=$(node -p 'try { require(process.argv[1]).version } catch { "" }' "$ui/node_modules/playwright-core/package.json")
  if [ "$locked" != "$installed" ]; then
    echo "installing: tests/ui npm packages (npm ci)"
    (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
