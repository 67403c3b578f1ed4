#!/usr/bin/env bash
# Runs the whole performance suite in one short job (well under ten minutes on a 2-core machine):
#   1. BenchmarkDotNet in-process, timed by process CPU time (see Program.cs; the generated-project build alone can exceed its 2-minute timeout on a
#      busy 2-core machine), short job: 1 launch, 3 warm-up and 3 measured iterations per benchmark, [MemoryDiagnoser]) over
#      every benchmark class, then the target table (ratios within this run, allocated bytes per operation);
#   2. the same target ratios measured by interleaving each scenario with its baseline (robust to other tenants' load), in
#      five separate processes, and the median of each ratio over them;
#   3. the loopback load test (anonymous vs AgentAuth endpoint on Kestrel, bounded in time and request count);
#   4. the Redis replay store paired with the in-memory one (replay-stores; needs redis-server).
#   5. the cold start (host startup + first request, AgentAuth vs JwtBearer, fresh processes, 6 alternating rounds) and the
#      interleaved loopback throughput of no-auth, signed, cached bearer and JwtBearer (issue 22).
# Tables are written to BenchmarkDotNet.Artifacts/results/ (BenchmarkDotNet's *-report-github.md, targets.md, ratios-1..5.md, ratios-median.md, load.md,
# coldstart.md, load-mix.md, replay-stores.md).
# Extra arguments go to BenchmarkDotNet, e.g. benchmarks/run.sh --filter '*SignatureBase*'.
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=BenchmarkDotNet.Artifacts
dotnet build benchmarks/AgentAuth.Benchmarks -c Release --nologo -v quiet
exe=benchmarks/AgentAuth.Benchmarks/bin/Release/net10.0/AgentAuth.Benchmarks.dll
filter=("--filter" "*")
for arg in "$@"; do
  if [ "$arg" = "--filter" ]; then filter=(); fi
done
# No --job: Program.cs adds the short job, in-process, timed by process CPU time (pass --job ... or --wall-clock to change it).
dotnet "$exe" "${filter[@]}" --artifacts "$artifacts" "$@"
# Five processes: the paired ratio of one process moves by several percent from run to run on a shared VM (JIT and PGO
# outcome, heap layout, neighbours' cache pressure), more than within a run; docs/performance.md reports every process
# and the median over them (ratios-median.md).
runs=${RATIO_PROCESSES:-5}
for run in $(seq 1 "$runs"); do
  dotnet "$exe" ratios "$artifacts/results/ratios-$run.md"
done
awk -F'|' '
  FNR > 2 && NF >= 5 {
    name = $2; gsub(/^ +| +$/, "", name); goal = $3; gsub(/^ +| +$/, "", goal); cpu = $4 + 0
    if (!(name in count)) { order[++rows] = name; target[name] = goal }
    values[name, ++count[name]] = cpu
  }
  END {
    print "| paired ratio, thread CPU time | target | each process | median |"
    print "|---|---|---|---|"
    for (r = 1; r <= rows; r++) {
      name = order[r]; n = count[name]; list = ""
      for (i = 1; i <= n; i++) { v[i] = values[name, i]; list = list (i > 1 ? ", " : "") sprintf("%.3f", v[i]) }
      for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
      median = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "| %s | %s | %s | %.3f |\n", name, target[name], list, median
    }
  }' $(for run in $(seq 1 "$runs"); do echo "$artifacts/results/ratios-$run.md"; done) > "$artifacts/results/ratios-median.md"
cat "$artifacts/results/ratios-median.md"
dotnet "$exe" load --duration "${LOAD_DURATION:-15}" --requests "${LOAD_REQUESTS:-30000}" --concurrency "${LOAD_CONCURRENCY:-32}" --out "$artifacts/results/load.md"
# The Redis replay store paired with the in-memory one (starts its own redis-server; skipped, saying so, without one).
if command -v redis-server >/dev/null 2>&1 || [ -n "${AGENTAUTH_REDIS:-}" ]; then
  dotnet "$exe" replay-stores "$artifacts/results/replay-stores.md"
else
  echo "run.sh: redis-server not installed (Debian package redis-server): the replay-stores table was not measured." >&2
fi
dotnet "$exe" coldstart "${COLDSTART_ROUNDS:-6}" "$artifacts/results/coldstart.md"
dotnet "$exe" load-mix "${LOADMIX_ROUNDS:-6}" 2 "${LOAD_CONCURRENCY:-32}" "$artifacts/results/load-mix.md"
echo "Tables: $artifacts/results/replay-stores.md, $artifacts/results/targets.md, $artifacts/results/ratios-{1..$runs}.md, ratios-median.md, $artifacts/results/load.md, coldstart.md, load-mix.md and $artifacts/results/*-report-github.md"
