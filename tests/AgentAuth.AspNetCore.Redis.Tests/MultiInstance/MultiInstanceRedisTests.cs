using System.Net;
using AgentAuth.AspNetCore.Redis.Tests.Infrastructure;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

using AgentAuth.Testing.ReplayStores;

namespace AgentAuth.AspNetCore.Redis.Tests.MultiInstance;

/// <summary>
/// Two API instances (own Kestrel, own DI container, own Redis connection) share one Redis: 64 copies of one signed
/// request arrive at both at once and exactly one is accepted; a DPoP nonce issued by one is accepted by the other when
/// they share the Data Protection key ring; when Redis cannot answer the scheme fails closed (503, Retry-After, one log
/// line, metrics).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class MultiInstanceRedisTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Copies = 64;

    private readonly SignatureKey _agentKey = SignatureKey.GenerateEd25519("agent-1");
    private readonly SignatureKey _issuerKey = SignatureKey.GenerateEd25519("issuer-1");
    private readonly List<AgentApiInstance> _instances = [];
    private readonly List<string> _folders = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
        _agentKey.Dispose();
        _issuerKey.Dispose();
    }

    [Fact]
    public async Task Signature_nonce_replayed_64_times_across_two_instances_is_accepted_exactly_once()
    {
        var instances = await StartTwoInstancesAsync();
        var statuses = await SendCopiesAsync(instances, SignedRequests.SignatureWithNonce(_agentKey));

        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.Equal(Copies - 1, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        foreach (var instance in instances)
        {
            using var fresh = await instance.Client.SendAsync(SignedRequests.ToRequest(SignedRequests.SignatureWithNonce(_agentKey)));
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }
    }

    [Fact]
    public async Task DPoP_jti_replayed_64_times_across_two_instances_is_accepted_exactly_once()
    {
        var instances = await StartTwoInstancesAsync();
        using var proofKey = SignatureKey.GenerateEcdsaP256();
        var statuses = await SendCopiesAsync(instances, SignedRequests.DPoP(_issuerKey, proofKey, "ES256"));

        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.Equal(Copies - 1, statuses.Count(s => s == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_DPoP_nonce_issued_by_one_instance_is_accepted_by_another_sharing_the_key_ring()
    {
        var instances = await StartTwoInstancesAsync(sharedKeyRing: NewFolder(), requireDPoPNonce: true);
        using var proofKey = SignatureKey.GenerateEcdsaP256();

        var nonce = await GetNonceAsync(instances[0], proofKey);
        using var response = await instances[1].Client.SendAsync(SignedRequests.ToRequest(SignedRequests.DPoP(_issuerKey, proofKey, "ES256", nonce)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_shared_key_ring_a_nonce_from_one_instance_is_refused_by_another()
    {
        // The negative control of the test above: each instance has its own key ring folder.
        var first = await StartAsync(sharedKeyRing: NewFolder(), requireDPoPNonce: true);
        var second = await StartAsync(sharedKeyRing: NewFolder(), requireDPoPNonce: true, prefix: first.Prefix);
        using var proofKey = SignatureKey.GenerateEcdsaP256();

        var nonce = await GetNonceAsync(first.Instance, proofKey);
        using var response = await second.Instance.Client.SendAsync(SignedRequests.ToRequest(SignedRequests.DPoP(_issuerKey, proofKey, "ES256", nonce)));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("use_dpop_nonce", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_redis_fails_closed_with_503_retry_after_one_log_line_and_metrics()
    {
        var configuration = $"127.0.0.1:{PrivateRedisServer.GetFreePort()},abortConnect=false,connectTimeout=200";
        var instance = await AgentApiInstance.StartAsync(configuration, RedisServerFixture.UniquePrefix(), _agentKey, _issuerKey);
        _instances.Add(instance);

        foreach (var headers in new[] { SignedRequests.SignatureWithNonce(_agentKey), SignedRequests.DPoP(_issuerKey, _agentKey, "Ed25519") })
        {
            using var response = await instance.Client.SendAsync(SignedRequests.ToRequest(headers));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After missing");
        }
        // The signed request fails at its nonce (replay store); the DPoP request already at its token's revocation lookup,
        // which every token-bearing request makes before the proof's jti is recorded.
        Assert.Equal(1, instance.ReplayStoreFailures);
        Assert.Equal(1, instance.RevocationStoreFailures);
        Assert.Equal(2, instance.UnavailableAuthentications);
        // One Error line per request, by the handler; the stores' own lines (RedisReplayStoreUnavailable, ...) are Debug.
        Assert.Equal(1, instance.Warnings.Count(line => line.Contains(" ReplayCacheUnavailable:", StringComparison.Ordinal)));
        Assert.Equal(1, instance.Warnings.Count(line => line.Contains(" RevocationStoreUnavailable:", StringComparison.Ordinal)));
        Assert.DoesNotContain(instance.Warnings, line => line.StartsWith("AgentAuth.AspNetCore.Redis.", StringComparison.Ordinal));

        // A request without a nonce needs no replay check and is still served.
        using var message = new HttpRequestMessage(HttpMethod.Get, AgentApiInstance.PublicOrigin + "/data");
        var signed = new HttpMessageSigner().Sign(new HttpRequestMessageAdapter(message), "sig1",
            [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path], new SignatureParameters(), _agentKey);
        using var noNonce = await instance.Client.SendAsync(SignedRequests.ToRequest([new("Signature-Input", signed.SignatureInput), new("Signature", signed.Signature)]));
        Assert.Equal(HttpStatusCode.OK, noNonce.StatusCode);
    }

    private async Task<string> GetNonceAsync(AgentApiInstance instance, SignatureKey proofKey)
    {
        using var challenge = await instance.Client.SendAsync(SignedRequests.ToRequest(SignedRequests.DPoP(_issuerKey, proofKey, "ES256")));
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.Contains("use_dpop_nonce", challenge.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        return Assert.Single(challenge.Headers.GetValues("DPoP-Nonce"));
    }

    private string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "agentauth-keyring-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    private async Task<(AgentApiInstance Instance, string Prefix)> StartAsync(string? sharedKeyRing = null, bool requireDPoPNonce = false, string? prefix = null)
    {
        prefix ??= RedisServerFixture.UniquePrefix();
        var instance = await AgentApiInstance.StartAsync(redis.Configuration, prefix, _agentKey, _issuerKey, sharedKeyRing, requireDPoPNonce);
        _instances.Add(instance);
        await instance.WaitForRedisAsync();
        return (instance, prefix);
    }

    private async Task<AgentApiInstance[]> StartTwoInstancesAsync(string? sharedKeyRing = null, bool requireDPoPNonce = false)
    {
        var first = await StartAsync(sharedKeyRing, requireDPoPNonce);
        var second = await StartAsync(sharedKeyRing, requireDPoPNonce, first.Prefix);
        return [first.Instance, second.Instance];
    }

    private static async Task<HttpStatusCode[]> SendCopiesAsync(AgentApiInstance[] instances, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = new Task<HttpStatusCode>[Copies];
        for (var i = 0; i < Copies; i++)
        {
            var instance = instances[i % instances.Length];
            sends[i] = Task.Run(async () =>
            {
                await gate.Task;
                using var response = await instance.Client.SendAsync(SignedRequests.ToRequest(headers));
                return response.StatusCode;
            });
        }
        gate.SetResult();
        return await Task.WhenAll(sends);
    }
}
