using AgentAuth.AspNetCore.Redis.Tests.Infrastructure;
using AgentAuth.Testing.ReplayStores;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Redis.Tests;

/// <summary>The shared replay-cache contract, run against the Redis store on a private redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisReplayCacheContractTests(RedisServerFixture redis) : ReplayCacheContract
{
    protected override string StoreName => "redis";

    // Redis expires keys on its own clock, so the expiry test lets real time pass: long enough that a busy machine still
    // sees the entry live before it expires.
    protected override TimeSpan Lifetime => TimeSpan.FromSeconds(4);

    protected override Task<ReplayCacheHarness> CreateAsync() =>
        Task.FromResult(Create(redis.Configuration, TimeSpan.FromSeconds(10)));

    protected override Task<ReplayCacheHarness> CreateUnavailableAsync() =>
        Task.FromResult(Create($"127.0.0.1:{PrivateRedisServer.GetFreePort()},abortConnect=false,connectTimeout=200", TimeSpan.FromMilliseconds(500)));

    private static ReplayCacheHarness Create(string configuration, TimeSpan timeout)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddAgentAuthRedis(configuration, o =>
        {
            o.KeyPrefix = RedisServerFixture.UniquePrefix();
            o.OperationTimeout = timeout;
        });
        var provider = services.BuildServiceProvider();
        return new ReplayCacheHarness(provider.GetRequiredService<IReplayCache>(), provider, d => Task.Delay(d), provider.DisposeAsync);
    }
}
