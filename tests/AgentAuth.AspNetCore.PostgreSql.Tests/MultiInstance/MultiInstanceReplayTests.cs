using System.Net;
using AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;
using AgentAuth.HttpSignatures.Cryptography;

using AgentAuth.Testing.ReplayStores;

namespace AgentAuth.AspNetCore.PostgreSql.Tests.MultiInstance;

/// <summary>
/// Replay protection across instances: two API instances (own Kestrel, own DI container, own Npgsql pool) share one
/// PostgreSQL replay table; 64 copies of one signed request arrive at both at once, and exactly one is accepted.
/// When the store cannot be reached the scheme fails closed: 503 with Retry-After, a log line and a metric.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class MultiInstanceReplayTests : IAsyncLifetime
{
    private const int Copies = 64;

    private readonly PostgreSqlServerFixture _server;
    private readonly SignatureKey _agentKey = SignatureKey.GenerateEd25519("agent-1");
    private readonly SignatureKey _issuerKey = SignatureKey.GenerateEd25519("issuer-1");
    private readonly List<AgentApiInstance> _instances = [];

    public MultiInstanceReplayTests(PostgreSqlServerFixture server) => _server = server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        _agentKey.Dispose();
        _issuerKey.Dispose();
    }

    private async Task<AgentApiInstance[]> StartTwoInstancesAsync()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        for (var i = 0; i < 2; i++)
        {
            _instances.Add(await AgentApiInstance.StartAsync(_server.CreateConnectionString(), table, _agentKey, _issuerKey));
        }
        return [.. _instances];
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

    [Fact]
    public async Task Signature_nonce_replayed_64_times_across_two_instances_is_accepted_exactly_once()
    {
        var instances = await StartTwoInstancesAsync();
        var statuses = await SendCopiesAsync(instances, SignedRequests.SignatureWithNonce(_agentKey));

        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.Equal(Copies - 1, statuses.Count(s => s == HttpStatusCode.Unauthorized));

        // A new nonce is accepted at either instance: the refusals were replays, not a broken setup.
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
    public async Task Unreachable_store_fails_closed_with_503_retry_after_log_and_metric()
    {
        // Nothing listens on the fixture's port once we pick a closed one: every replay check fails to connect.
        var closedPort = new Npgsql.NpgsqlConnectionStringBuilder(_server.ConnectionString) { Port = 1, Timeout = 2, Pooling = false }.ConnectionString;
        var instance = await AgentApiInstance.StartAsync(closedPort, PostgreSqlServerFixture.UniqueTableName(), _agentKey, _issuerKey);
        _instances.Add(instance);

        foreach (var headers in new[] { SignedRequests.SignatureWithNonce(_agentKey), SignedRequests.DPoP(_issuerKey, _agentKey, "Ed25519") })
        {
            using var response = await instance.Client.SendAsync(SignedRequests.ToRequest(headers));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After missing");
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
        Assert.Equal(2, instance.ReplayStoreFailures);
        Assert.Equal(2, instance.UnavailableAuthentications);
        Assert.Contains(instance.Warnings, line => line.Contains("ReplayCacheUnavailable", StringComparison.Ordinal));
        // One Error line per request, by the handler; the store's own lines (ReplaySchemaFailed, ReplayStoreUnavailable) are Debug.
        Assert.Equal(2, instance.Warnings.Count(line => line.Contains(" ReplayCacheUnavailable:", StringComparison.Ordinal)));
        Assert.DoesNotContain(instance.Warnings, line => line.StartsWith("AgentAuth.AspNetCore.PostgreSql.", StringComparison.Ordinal));

        // A request without a nonce needs no replay check and is still served.
        using var message = new HttpRequestMessage(HttpMethod.Get, AgentApiInstance.PublicOrigin + "/data");
        var signed = new AgentAuth.HttpSignatures.HttpMessageSigner().Sign(new AgentAuth.HttpSignatures.HttpRequestMessageAdapter(message), "sig1",
            [AgentAuth.HttpSignatures.SignatureComponent.Method, AgentAuth.HttpSignatures.SignatureComponent.Authority, AgentAuth.HttpSignatures.SignatureComponent.Path],
            new AgentAuth.HttpSignatures.SignatureParameters(), _agentKey);
        using var noNonce = await instance.Client.SendAsync(SignedRequests.ToRequest([new("Signature-Input", signed.SignatureInput), new("Signature", signed.Signature)]));
        Assert.Equal(HttpStatusCode.OK, noNonce.StatusCode);
    }
}
