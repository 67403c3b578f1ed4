using System.Net;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AgentAuth.AspNetCore.Tests.Introspection.IntrospectionTestHost;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>Introspection answers shared between instances through <see cref="IDistributedCache"/> (issue 19's optional layer).</summary>
public sealed class SharedIntrospectionCacheTests
{
    [Fact]
    public async Task Second_instance_uses_the_answer_the_first_stored_and_never_past_its_bound()
    {
        var shared = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var server = await TestIntrospectionServer.StartAsync();
        await using var first = await StartAsync(i => i.UseDistributedCache = true, services: s => s.AddSingleton<IDistributedCache>(shared), server: server);
        await using var second = await StartAsync(i => i.UseDistributedCache = true, services: s => s.AddSingleton<IDistributedCache>(shared), server: server);
        var token = NewOpaqueToken();
        server.Issue(token, Claims());

        await PrincipalAsync(await first.GetAsync(token));
        var principal = await PrincipalAsync(await second.GetAsync(token));

        Assert.Equal(["agent-7"], ClaimValues(principal, "sub"));
        Assert.Equal(1, server.Calls);

        // The shared entry carries its trusted-until instant; past it (on the reader's clock) the endpoint is asked again.
        server.Release(token);
        second.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync(token)).StatusCode);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task Shared_cache_never_holds_the_token_and_a_failing_cache_is_skipped()
    {
        var recording = new RecordingCache();
        await using var test = await StartAsync(i => i.UseDistributedCache = true, services: s => s.AddSingleton<IDistributedCache>(recording));
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));
        Assert.NotEmpty(recording.Keys);
        Assert.All(recording.Keys, k => Assert.DoesNotContain(token, k, StringComparison.Ordinal));
        Assert.All(recording.Values, v => Assert.DoesNotContain(token, Encoding.UTF8.GetString(v), StringComparison.Ordinal));

        recording.Fail = true;
        var other = NewOpaqueToken();
        test.Server.Issue(other, Claims());
        await PrincipalAsync(await test.GetAsync(other));
        Assert.Contains(test.Host.Logs.Lines, l => l.EventId.Id == 7270);
    }

    [Fact]
    public async Task Without_the_option_the_distributed_cache_is_not_used()
    {
        var recording = new RecordingCache();
        await using var test = await StartAsync(services: s => s.AddSingleton<IDistributedCache>(recording));
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));

        Assert.Empty(recording.Keys);
    }

    private sealed class RecordingCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));

        public bool Fail { get; set; }

        public System.Collections.Concurrent.ConcurrentBag<string> Keys { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<byte[]> Values { get; } = [];

        public byte[]? Get(string key) => throw new NotSupportedException();

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            Keys.Add(key);
            return Fail ? throw new InvalidOperationException("cache down") : _inner.GetAsync(key, token);
        }

        public void Refresh(string key) => throw new NotSupportedException();

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => throw new NotSupportedException();

        public Task RemoveAsync(string key, CancellationToken token = default) => _inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new NotSupportedException();

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Keys.Add(key);
            Values.Add(value);
            return Fail ? throw new InvalidOperationException("cache down") : _inner.SetAsync(key, value, options, token);
        }
    }
}
