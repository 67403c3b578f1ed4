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
  /(Passed|Failed)! +- Failed: / {
    gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
    n++
  }
  END { if (n == 0) { print "No test results were found."; exit 1 } printf "%d passed, %d failed, %d skipped\n", p, f, s }
' "$log" || status=1
exit "$status"
