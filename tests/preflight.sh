#!/usr/bin/env bash
# Checks, before anything is built, that every tool the test command uses is
# here and runs: one line naming what is missing, exit 1.  tests/run.sh calls
# it after dist/install-deps.sh --test, which installs all of it.
#   tests/preflight.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hint="bash dist/install-deps.sh --test installs it"
missing=()

for tool in cmake make g++ clang-14 clang++-14 python3 curl dpkg-deb su setsid pgrep \
            psql mariadb mariadbd mariadb-install-db mariadb-admin chromium node npm; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=("PostgreSQL's initdb (postgresql-15)")
compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null ||
  missing+=("libFuzzer (libclang-rt-14-dev)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: missing: ${missing[*]} ($hint)" >&2
  exit 1
fi

# The browser test: the Node.js its locked playwright-core needs, and that
# playwright-core installed.
lock=$root/tests/ui/package-lock.json
# shellcheck disable=SC2016
wanted=$(node -p 'require(process.argv[1]).packages["node_modules/playwright-core"].engines.node' "$lock")
need_major=$(echo "$wanted" | sed -n 's/^>= *\([0-9][0-9]*\).*/\1/p')
have=$(node -p 'process.versions.node')
if [ -z "$need_major" ] || [ "${have%%.*}" -lt "$need_major" ]; then
  echo "tests/run.sh: Node.js $have is too old for tests/ui's playwright-core (it needs $wanted)" >&2
  exit 1
fi
locked=$(node -p 'require(process.argv[1]).packages["node_modules/playwright-core"].version' "$lock")
installed=$(node -p 'try { require(process.argv[1]).version } catch { "none" }' \
  "$root/tests/ui/node_modules/playwright-core/package.json")
if [ "$locked" != "$installed" ]; then
  echo "tests/run.sh: tests/ui needs playwright-core $locked, not $installed (cd tests/ui && npm ci; $hint)" >&2
  exit 1
fi
