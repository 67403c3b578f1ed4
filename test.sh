#!/usr/bin/env bash
# Runs every test in the solution. This is the README's test command; .ci/run calls it too.
# It ends with one summary line, "N passed, N failed, N skipped", summed over the test assemblies.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test AgentAuth.AspNetCore.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
awk '
  /^Total tests: [0-9]+/ { n++ }
  /^ +Passed: [0-9]+ *$/  { p += $2 }
  /^ +Failed: [0-9]+ *$/  { f += $2 }
  /^ +Skipped: [0-9]+ *$/ { s += $2 }
  END { if (n == 0) { print "No test results were found."; exit 1 } printf "%d passed, %d failed, %d skipped\n", p, f, s }
' "$log" || status=1
exit "$status"
