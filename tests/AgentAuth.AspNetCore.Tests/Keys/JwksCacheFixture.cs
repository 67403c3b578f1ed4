using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Keys;

/// <summary>Builds a <see cref="JwksCache{TKey}"/> of <see cref="TestKey"/>s against a <see cref="TestJwksServer"/>.</summary>
internal static class JwksCacheFixture
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static JwksCache<TestKey> Create(
        RemoteKeySource source,
        FakeTimeProvider time,
        JwksCacheOptions? options = null,
        JwksMetrics? metrics = null) =>
        new(source, new TestKeyParser(), options ?? new JwksCacheOptions(), time, NullLogger.Instance, metrics ?? new JwksMetrics(null));

    public static BackchannelDocumentReader Reader(FakeTimeProvider time, JwksCacheOptions? options = null) =>
        new(static () => s_client, time, options ?? new JwksCacheOptions());

    private static readonly HttpClient s_client = new();

    public static JwksUriKeySource UriSource(TestJwksServer server, FakeTimeProvider time, JwksCacheOptions? options = null) =>
        new(server.JwksUri, requireHttps: false, Reader(time, options));

    /// <summary>Waits (without asserting on time) until a background fetch has had its effect.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition(), "The expected state was not reached.");
    }
}
