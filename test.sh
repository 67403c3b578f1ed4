#!/usr/bin/env bash
# Runs every test in the solution. This is the README's test command; .ci/run calls it too.
# On a fresh machine it first installs what the tests need (Debian packages, the npm interop fixtures); a prerequisite it
# cannot install stops the run with a message saying what to install. No test is ever skipped for a missing one.
# It ends with one summary line, "N passed, N failed, N skipped", summed over the test assemblies.
set -uo pipefail
cd "$(dirname "$0")"

fail() {
  echo "test.sh: $*" >&2
  exit 1
}

command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK is not installed (https://dot.net); install it and run again."

# --- Debian packages ---------------------------------------------------------------------------------------------------
# PostgreSQL server binaries: the multi-instance replay-cache tests start a private cluster (initdb, pg_ctl).
# Node.js and npm: the independent RFC 9421 / DPoP implementations used as interop fixtures.
# redis-server: the Redis store tests start a private server on a free loopback port (tests/AgentAuth.AspNetCore.Redis.Tests).
# clang and zlib1g-dev: the native AOT publish of samples/ResourceApi (tests/AgentAuth.AspNetCore.Tests/Packaging).
missing() {
  local packages=()
  if [ -z "${AGENTAUTH_POSTGRES_CONNECTION:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then packages+=(postgresql); fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
  if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then packages+=(redis-server); fi
  if ! command -v clang >/dev/null 2>&1; then packages+=(clang); fi
  if [ ! -f /usr/include/zlib.h ]; then packages+=(zlib1g-dev); fi
  echo "${packages[*]}"
}

need=$(missing)
if [ -n "$need" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "missing prerequisites (Debian package names): $need. Install them (or their equivalents) and run again."
  fi
  as_root=(env DEBIAN_FRONTEND=noninteractive)
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "missing prerequisites: $need. Run as root or install sudo, or install them yourself (apt-get install $need)."
    as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
  fi
  echo "test.sh: installing $need"
  # shellcheck disable=SC2086 # $need is a list of package names
  "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq --no-install-recommends $need >/dev/null \
    || fail "apt-get install $need failed; install them and run again."
  still=$(missing)
  [ -z "$still" ] || fail "still missing after apt-get install: $still. Install them and run again."
fi

# --- npm interop fixtures (pinned by tests/interop/package-lock.json) ---------------------------------------------------
# Installed when node_modules is missing or was installed from another package-lock.json.
lock_hash=$(sha256sum tests/interop/package-lock.json | cut -d' ' -f1)
stamp=tests/interop/node_modules/.package-lock.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  echo "test.sh: npm ci in tests/interop"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in tests/interop failed; run it there and fix what it reports."
  echo "$lock_hash" >"$stamp"
fi

# --- Conformance data (not installable: it is the shared folder beside the repository) ---------------------------------
if [ -n "${AGENTAUTH_CONFORMANCE_DIR:-}" ]; then
  [ -d "$AGENTAUTH_CONFORMANCE_DIR" ] || fail "AGENTAUTH_CONFORMANCE_DIR=$AGENTAUTH_CONFORMANCE_DIR is not a folder."
elif [ ! -d ../shared/conformance ]; then
  fail "conformance data not found: put the shared folder beside the repository (../shared/conformance) or set AGENTAUTH_CONFORMANCE_DIR."
fi

# --- The tests -----------------------------------------------------------------------------------------------------------
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test AgentAuth.AspNetCore.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Repeat each failed test's name and the first lines of its message just above the summary, so the end of the log
# (often all a CI page keeps) says what failed.
awk '
  /^  Failed [^ ]/ { shown = 0; printing = 1; if (!header++) print "Failed tests:" }
  /^  (Passed|Skipped) / { printing = 0 }
  printing && shown < 12 { print; shown++ }
' "$log"
awk '
  /^Total tests: [0-9]+/ { n++ }
  /^ +Passed: [0-9]+ *$/  { p += $2 }
  /^ +Failed: [0-9]+ *$/  { f += $2 }
  /^ +Skipped: [0-9]+ *$/ { s += $2 }
  END { if (n == 0) { print "No test results were found."; exit 1 } printf "%d passed, %d failed, %d skipped\n", p, f, s }
' "$log" || status=1
exit "$status"
