using System.Text;
using AgentAuth.AspNetCore;
using AgentAuth.Benchmarks.Infrastructure;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;

namespace AgentAuth.Benchmarks;

/// <summary>
/// Issue 19's rows: an introspected opaque token on a cache hit against today's bearer token-cache hit (target ≤ 1.2×), and
/// the bearer token-cache hit with the default in-memory revocation lookup against the same with a store that answers
/// without looking anything up (target: the lookup adds ≤ 5 %).
/// </summary>
[MemoryDiagnoser]
public class IntrospectionBenchmarks
{
    private AuthenticationHarness _harness = null!;
    private AuthenticationHarness _noLookupHarness = null!;
    private RequestTemplate _opaque = null!;
    private RequestTemplate _bearer = null!;
    private RequestTemplate _bearerNoLookup = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _harness = await AuthenticationHarness.CreateAsync();
        _noLookupHarness = await AuthenticationHarness.CreateAsync(revocationStore: new NoLookupRevocationStore());
        _opaque = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Authorization", "Bearer " + IntrospectionEndpointHandler.OpaqueToken));
        _bearer = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Authorization", "Bearer " + _harness.Credentials.MintBearerEs256Token()));
        _bearerNoLookup = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Authorization", "Bearer " + _noLookupHarness.Credentials.MintBearerEs256Token()));
        await AssertScenariosAsync();
    }

    public async Task AssertScenariosAsync()
    {
        await _harness.AssertSucceedsAsync(_opaque, AuthenticationHarness.IntrospectionScheme);
        await _harness.AssertSucceedsAsync(_bearer);
        await _noLookupHarness.AssertSucceedsAsync(_bearerNoLookup);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _harness.DisposeAsync();
        await _noLookupHarness.DisposeAsync();
    }

    [Benchmark(Description = "opaque token, introspection answer cached")]
    public Task<AuthenticateResult> IntrospectedOpaqueTokenCacheHit() => _harness.AuthenticateAsync(_opaque, AuthenticationHarness.IntrospectionScheme);

    [Benchmark(Description = "bearer ES256 token, cache warm, in-memory revocation lookup", Baseline = true)]
    public Task<AuthenticateResult> BearerWithRevocationLookup() => _harness.AuthenticateAsync(_bearer);

    [Benchmark(Description = "bearer ES256 token, cache warm, no revocation lookup")]
    public Task<AuthenticateResult> BearerWithoutRevocationLookup() => _noLookupHarness.AuthenticateAsync(_bearerNoLookup);

    /// <summary>The paired ratios of issue 19 (see <see cref="PairedRatios"/>), as a markdown table.</summary>
    public async Task<string> ReportRatiosAsync()
    {
        var text = new StringBuilder();
        text.AppendLine("| paired ratio (median of interleaved rounds) | target | thread CPU time | wall time |").AppendLine("|---|---|---|---|");
        text.AppendLine(PairedRatios.Format("bearer / itself (noise)", "1.000", await PairedRatios.MeasureAsync(BearerWithRevocationLookup, BearerWithRevocationLookup)));
        text.AppendLine(PairedRatios.Format("introspected opaque token, cache hit / bearer token-cache hit", "≤ 1.20", await PairedRatios.MeasureAsync(IntrospectedOpaqueTokenCacheHit, BearerWithRevocationLookup)));
        text.AppendLine(PairedRatios.Format("bearer with in-memory revocation lookup / bearer without", "≤ 1.05", await PairedRatios.MeasureAsync(BearerWithRevocationLookup, BearerWithoutRevocationLookup)));
        return text.ToString();
    }

    /// <summary>Answers "not revoked" without a lookup: the baseline that isolates the in-memory store's lookup.</summary>
    private sealed class NoLookupRevocationStore : IRevocationStore
    {
        public ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default) => new(false);

        public ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
