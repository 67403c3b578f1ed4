using System.Net;
using System.Net.Sockets;
using AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;
using AgentAuth.Testing.ReplayStores;
using Npgsql;

namespace AgentAuth.AspNetCore.PostgreSql.Tests;

/// <summary>The shared replay-cache contract, run against the PostgreSQL store.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReplayCacheContractTests(PostgreSqlServerFixture server) : ReplayCacheContract
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    protected override string StoreName => PostgreSqlReplayCache.StoreName;

    protected override Task<ReplayCacheHarness> CreateAsync() =>
        Task.FromResult(Create(server.CreateConnectionString(maxPoolSize: 70)));

    protected override Task<ReplayCacheHarness> CreateUnavailableAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = closedPort,
            Username = "postgres",
            Database = "agentauth_tests",
            Timeout = 2,
        }.ConnectionString;
        return Task.FromResult(Create(connectionString));
    }

    private static ReplayCacheHarness Create(string connectionString)
    {
        var instance = ReplayCacheInstance.Create(connectionString, PostgreSqlServerFixture.UniqueTableName(), Start);
        return new ReplayCacheHarness(instance.Cache, instance.Services, d =>
        {
            instance.Time.Advance(d);
            return Task.CompletedTask;
        }, instance.DisposeAsync);
    }
}
