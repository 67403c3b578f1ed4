#!/usr/bin/env bash
# Runs every test in the solution. This is the README's test command; .ci/run calls it too.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test AgentAuth.AspNetCore.sln -c Release --logger "console;verbosity=normal" "$@"
