using System.Net;
using System.Net.Sockets;
using AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentAuth.AspNetCore.PostgreSql.Tests;

/// <summary>The PostgreSQL <see cref="IRevocationStore"/> (issue 19) against a real server the tests start themselves.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlRevocationStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly PostgreSqlServerFixture _server;
    private readonly List<ServiceProvider> _providers = [];

    public PostgreSqlRevocationStoreTests(PostgreSqlServerFixture server) => _server = server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }

    private (IRevocationStore Store, FakeTimeProvider Time) NewInstance(string table, string? connectionString = null)
    {
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddPostgreSqlRevocationStore(connectionString ?? _server.CreateConnectionString(maxPoolSize: 5), o => o.TableName = table);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return (provider.GetRequiredService<IRevocationStore>(), time);
    }

    [Fact]
    public async Task Revocation_is_seen_by_another_instance_until_it_expires()
    {
        var table = PostgreSqlServerFixture.UniqueTableName("revocation");
        var (first, _) = NewInstance(table);
        var (second, secondTime) = NewInstance(table);

        Assert.False(await second.IsRevokedAsync("jti:https://issuer.example:abc"));
        await first.RevokeAsync("jti:https://issuer.example:abc", Start.AddMinutes(5));

        Assert.True(await second.IsRevokedAsync("jti:https://issuer.example:abc"));
        Assert.False(await second.IsRevokedAsync("jti:https://issuer.example:abd"));
        secondTime.SetUtcNow(Start.AddMinutes(5));
        Assert.False(await second.IsRevokedAsync("jti:https://issuer.example:abc"));
        // Keys are stored as 32-byte digests, never as the caller's text.
        Assert.Equal(1L, await _server.CountRowsAsync(table, "octet_length(key) = 32"));
    }

    [Fact]
    public async Task Revoking_again_keeps_the_later_expiry_and_expired_rows_are_deleted_on_the_next_revocation()
    {
        var table = PostgreSqlServerFixture.UniqueTableName("revocation");
        var (store, time) = NewInstance(table);

        await store.RevokeAsync("a", Start.AddMinutes(10));
        await store.RevokeAsync("a", Start.AddMinutes(1));
        await store.RevokeAsync("b", Start.AddMinutes(1));
        time.SetUtcNow(Start.AddMinutes(2));
        Assert.True(await store.IsRevokedAsync("a"));
        Assert.False(await store.IsRevokedAsync("b"));

        await store.RevokeAsync("c", Start.AddMinutes(10));
        Assert.Equal(2L, await _server.CountRowsAsync(table));
    }

    [Fact]
    public async Task An_unreachable_server_fails_closed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connection = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "nobody", Database = "none", Timeout = 2 }.ConnectionString;
        var (store, _) = NewInstance(PostgreSqlServerFixture.UniqueTableName("revocation"), connection);

        await Assert.ThrowsAsync<RevocationStoreUnavailableException>(() => store.IsRevokedAsync("k").AsTask());
        await Assert.ThrowsAsync<RevocationStoreUnavailableException>(() => store.RevokeAsync("k", Start.AddMinutes(1)).AsTask());
    }

    [Fact]
    public void Options_are_validated_naming_the_option()
    {
        var services = new ServiceCollection();
        services.AddPostgreSqlRevocationStore("Host=localhost", o => o.TableName = "bad-name");
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgreSqlRevocationStoreOptions>>().Value);
        Assert.Contains("PostgreSqlRevocationStoreOptions.TableName", ex.Message, StringComparison.Ordinal);
    }
}
