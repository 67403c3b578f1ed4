using AgentAuth.Testing.ReplayStores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Replay;

/// <summary>The shared replay-cache contract, run against the in-memory store (its outage: full, nothing expired).</summary>
public sealed class MemoryReplayCacheContractTests : ReplayCacheContract
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    protected override string StoreName => MemoryReplayCache.StoreName;

    protected override Task<ReplayCacheHarness> CreateAsync() => Task.FromResult(Create(MemoryReplayCacheOptions.DefaultSizeLimit));

    protected override async Task<ReplayCacheHarness> CreateUnavailableAsync()
    {
        var harness = Create(sizeLimit: 1);
        Assert.True(await harness.Cache.TryAddAsync("fills-the-cache", Start.AddHours(1)));
        return harness;
    }

    private static ReplayCacheHarness Create(int sizeLimit)
    {
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.TryAddAgentAuthReplayCache();
        services.Configure<MemoryReplayCacheOptions>(o => o.SizeLimit = sizeLimit);
        var provider = services.BuildServiceProvider();
        return new ReplayCacheHarness(provider.GetRequiredService<IReplayCache>(), provider, d =>
        {
            time.Advance(d);
            return Task.CompletedTask;
        }, provider.DisposeAsync);
    }
}
