using AgentAuth.Benchmarks;
using AgentAuth.Benchmarks.Load;
using AgentAuth.Benchmarks.Reporting;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.Benchmarks.Infrastructure;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// "coldstart-child ..." is one cold start (a child of "coldstart"): nothing else may run before it.
if (args.Length > 0 && args[0] == "coldstart-child")
{
    return await AgentAuth.Benchmarks.ColdStart.ColdStartTest.RunChildAsync(args[1..]);
}

// "coldstart [rounds] [out.md]": host startup + first request, AgentAuth vs JwtBearer, fresh processes in alternating rounds.
if (args.Length > 0 && args[0] == "coldstart")
{
    return await AgentAuth.Benchmarks.ColdStart.ColdStartTest.RunAsync(args[1..]);
}

// "load-mix [rounds] [seconds] [concurrency] [out.md]": no-auth, signed, cached bearer and JwtBearer on Kestrel, interleaved.
if (args.Length > 0 && args[0] == "load-mix")
{
    return await InterleavedLoad.RunAsync(args[1..]);
}

// "load [options]" runs the end-to-end load generator; anything else goes to BenchmarkDotNet's switcher.
if (args.Length > 0 && args[0] == "load")
{
    return await LoadTest.RunAsync(args[1..]);
}

// The diagnostic modes below check again after measuring that every scenario still authenticates: a figure taken while a
// scenario was being refused (an expired signature, say) would time the rejection path.

// "profile [count]" prints a sampled allocation profile of each authentication scenario.
if (args.Length > 0 && args[0] == "profile")
{
    var benchmarks = new AuthenticationBenchmarks();
    await benchmarks.SetupAsync();
    Console.WriteLine(await benchmarks.ProfileAllocationsAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000));
    await benchmarks.AssertScenariosAsync();
    await benchmarks.CleanupAsync();
    return 0;
}

// "loop <scenario> [seconds]" runs one scenario alone in a tight loop (for perf record / dotnet-counters) and prints time per operation.
if (args.Length > 1 && args[0] == "loop")
{
    var benchmarks = new AuthenticationBenchmarks();
    await benchmarks.SetupAsync();
    var seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20;
    var loop = await ScenarioLoop.RunAsync(benchmarks, args[1], TimeSpan.FromSeconds(seconds));
    await benchmarks.AssertScenariosAsync();
    await benchmarks.CleanupAsync();
    Console.WriteLine(args[1] + ": " + loop);
    return 0;
}

// "breakdown" splits signature-only and signed-token into their steps, each paired with the bare verify of the same base (diagnostic).
if (args.Length > 0 && args[0] == "breakdown")
{
    var benchmarks = new AuthenticationBenchmarks();
    await benchmarks.SetupAsync();
    Console.WriteLine(await benchmarks.BreakdownAsync());
    await benchmarks.AssertScenariosAsync();
    await benchmarks.CleanupAsync();
    return 0;
}

// "replay-stores" pairs a signed request whose nonce is checked in Redis with the same request on the in-memory store.
if (args.Length > 0 && args[0] == "replay-stores")
{
    var table = await ReplayStoreRatios.ReportAsync();
    Console.WriteLine(table);
    if (args.Length > 1)
    {
        await File.WriteAllTextAsync(args[1], table);
    }
    return 0;
}

// "ratios" measures the target ratios by interleaving each scenario with its baseline (see PairedRatios).
if (args.Length > 0 && args[0] == "ratios")
{
    var benchmarks = new AuthenticationBenchmarks();
    await benchmarks.SetupAsync();
    var table = await PairedRatios.ReportAsync(benchmarks);
    await benchmarks.AssertScenariosAsync();
    await benchmarks.CleanupAsync();
    // Issue 20: an MCP tool call's authorization next to a minimal-API endpoint's, as rows of the same table.
    table += await McpRatioRowsAsync();
    Console.WriteLine(table);
    if (args.Length > 1)
    {
        await File.WriteAllTextAsync(args[1], table);
    }
    return 0;
}

// "ratios-mcp" measures only the MCP rows of "ratios" (issue 20), with the table's header.
if (args.Length > 0 && args[0] == "ratios-mcp")
{
    var table = "| paired ratio (median of interleaved rounds) | target | thread CPU time | wall time |\n|---|---|---|---|\n" + await McpRatioRowsAsync();
    Console.WriteLine(table);
    if (args.Length > 1)
    {
        await File.WriteAllTextAsync(args[1], table);
    }
    return 0;
}

// "ratios-introspection" measures issue 19's ratios (introspection cache hit, revocation lookup) the same way.
if (args.Length > 0 && args[0] == "ratios-introspection")
{
    var benchmarks = new IntrospectionBenchmarks();
    await benchmarks.SetupAsync();
    var table = await benchmarks.ReportRatiosAsync();
    await benchmarks.AssertScenariosAsync();
    await benchmarks.CleanupAsync();
    Console.WriteLine(table);
    if (args.Length > 1)
    {
        await File.WriteAllTextAsync(args[1], table);
    }
    return 0;
}

// Default job: BenchmarkDotNet's short job, in-process (the generated project's build alone can exceed BenchmarkDotNet's
// 2-minute build timeout on a busy machine), timed by process CPU time so other tenants' load does not skew the ratios
// between benchmarks that run one after another ("--wall-clock" restores wall time). A "--job" argument replaces it.
var wallClock = args.Contains("--wall-clock");
args = args.Where(a => a != "--wall-clock").ToArray();
var config = DefaultConfig.Instance;
if (!args.Contains("--job") && !args.Contains("-j"))
{
    var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance);
    config = config.AddJob(wallClock ? job : job.WithClock(ProcessCpuClock.Instance).WithId("ShortRun-CpuTime"));
}
var summaries = BenchmarkSwitcher.FromAssembly(typeof(AuthenticationBenchmarks).Assembly).Run(args, config).ToList();
if (summaries.Count > 0)
{
    var report = TargetReport.Create(summaries);
    var path = Path.Combine(summaries[0].ResultsDirectoryPath, "targets.md");
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine();
    Console.WriteLine(report);
    Console.WriteLine("Target table written to " + path);
}
return 0;

// The MCP rows of the ratios table (issue 20): set up, measured, the scenarios checked again, cleaned up.
static async Task<string> McpRatioRowsAsync()
{
    var mcp = new McpAuthorizationBenchmarks();
    await mcp.SetupAsync();
    try
    {
        var rows = await mcp.ReportRatioRowsAsync();
        if (!await mcp.MinimalApiEndpoint() || !await mcp.McpToolCallWithRequireAgentAuth())
        {
            throw new InvalidOperationException("An MCP scenario was no longer authorized after measuring.");
        }
        return rows;
    }
    finally
    {
        mcp.Cleanup();
    }
}
