namespace AgentAuth.AspNetCore.Redis.Tests.Infrastructure;

/// <summary>One private <c>redis-server</c> for the whole test run (an xunit collection fixture). Tests isolate themselves with <see cref="UniquePrefix"/>.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private PrivateRedisServer? _server;

    internal PrivateRedisServer Server => _server ?? throw new InvalidOperationException("The Redis fixture did not start.");

    /// <summary>The StackExchange.Redis configuration string of the test server.</summary>
    public string Configuration => Server.Configuration;

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..12] + ":";

    public async Task InitializeAsync()
    {
        if (PrivateRedisServer.MissingReason is { } missing)
        {
            // Fails every test of the collection with what to install: a missing server is never a skip.
            throw new InvalidOperationException(missing);
        }
        _server = await PrivateRedisServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Every test class that talks to Redis joins this collection, so the server starts once per run.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "Redis";
}
