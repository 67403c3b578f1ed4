using System.Diagnostics;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// One scenario alone in a tight loop, for profilers (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>) that need a
/// steady state to sample: a warm-up, then as many operations as fit in the given time.
/// </summary>
public static class ScenarioLoop
{
    /// <summary>The scenario names <see cref="RunAsync"/> accepts.</summary>
    public static readonly string[] Scenarios = ["bare", "bare-signed-token", "signature-only", "signature-only-fresh", "verifier-signature-only", "signed-token", "signed-token-no-cache", "bearer", "bearer-no-cache", "jwtbearer", "openiddict", "hmac", "bare-hmac", "dpop", "none", "floor", "jwt", "base-b26", "base-10", "parse-1", "parse-3"];

    /// <summary>Runs <paramref name="scenario"/> for <paramref name="duration"/> after a 3 s warm-up; returns what one operation cost.</summary>
    public static async Task<LoopResult> RunAsync(AuthenticationBenchmarks b, string scenario, TimeSpan duration)
    {
        Func<Task> operation = scenario switch
        {
            "bare" => () => { b.BareEd25519Verify(); return Task.CompletedTask; },
            "bare-signed-token" => () => { b.BareEd25519VerifyBoundBase(); return Task.CompletedTask; },
            "signature-only" => b.SignatureOnly,
            "signature-only-fresh" => b.SignatureOnlyFreshContext,
            "verifier-signature-only" => b.VerifierOnly(),
            "signed-token" => b.SignatureWithBoundToken,
            "signed-token-no-cache" => b.SignatureWithBoundTokenNoCache,
            "bearer" => b.BearerEs256,
            "bearer-no-cache" => b.BearerEs256NoCache,
            "jwtbearer" => b.JwtBearerEs256,
            "openiddict" => b.OpenIddictEs256,
            "hmac" => b.SignatureOnlyHmac,
            "bare-hmac" => () => { b.BareHmacSha256Verify(); return Task.CompletedTask; },
            "dpop" => b.DPoPBoundToken,
            "none" => b.NoCredentials,
            "floor" => b.FrameworkFloor,
            "jwt" => b.JwtHandlerValidateEs256,
            "base-b26" => Sync(SignatureBase.Value.B26Request_Base),
            "base-10" => Sync(SignatureBase.Value.TenComponents_Base),
            "parse-1" => Sync(Parsing.Value.OneSignatureParse),
            "parse-3" => Sync(Parsing.Value.ThreeSignaturesParse),
            _ => throw new ArgumentException("Unknown scenario '" + scenario + "'; use one of: " + string.Join(", ", Scenarios) + "."),
        };
        await RunForAsync(operation, TimeSpan.FromSeconds(3));
        return await RunForAsync(operation, duration);
    }

    private static readonly Lazy<SignatureBaseBenchmarks> SignatureBase = new(() =>
    {
        var benchmarks = new SignatureBaseBenchmarks();
        benchmarks.Setup();
        return benchmarks;
    });

    private static readonly Lazy<SignatureParsingBenchmarks> Parsing = new(() =>
    {
        var benchmarks = new SignatureParsingBenchmarks();
        benchmarks.Setup();
        return benchmarks;
    });

    private static Func<Task> Sync(Func<int> operation) => () =>
    {
        operation();
        return Task.CompletedTask;
    };

    private static async Task<LoopResult> RunForAsync(Func<Task> operation, TimeSpan duration)
    {
        var gen0 = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        long count = 0;
        while (Stopwatch.GetElapsedTime(start) < duration)
        {
            for (var i = 0; i < 100; i++)
            {
                await operation();
            }
            count += 100;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new LoopResult(count, elapsed / count, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)count,
            (GC.CollectionCount(0) - gen0) * 1000.0 / count);
    }
}

/// <summary>What one operation of a <see cref="ScenarioLoop"/> cost: wall time, bytes allocated, gen0 collections per 1000 operations.</summary>
public readonly record struct LoopResult(long Operations, TimeSpan PerOperation, double BytesPerOperation, double Gen0PerThousand)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Operations} operations, {PerOperation.TotalMicroseconds:0.00} µs each (wall), {BytesPerOperation:0} B allocated each, {Gen0PerThousand:0.00} gen0 GCs per 1000");
}
