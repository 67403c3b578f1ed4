using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;
using Npgsql;

namespace AgentAuth.AspNetCore.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReplayCacheTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly PostgreSqlServerFixture _server;
    private readonly List<ReplayCacheInstance> _instances = [];

    public PostgreSqlReplayCacheTests(PostgreSqlServerFixture server) => _server = server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task First_use_is_accepted_and_the_second_is_a_replay()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        var cache = NewInstance(table).Cache;

        Assert.True(await cache.TryAddAsync("sig:k1:nonce-1", Start.AddMinutes(5)));
        Assert.False(await cache.TryAddAsync("sig:k1:nonce-1", Start.AddMinutes(5)));
        Assert.False(await cache.TryAddAsync("sig:k1:nonce-1", Start.AddMinutes(10)));
        Assert.True(await cache.TryAddAsync("sig:k1:nonce-2", Start.AddMinutes(5)));
        Assert.True(await cache.TryAddAsync(new string('n', 20_000), Start.AddMinutes(5)));
        Assert.Equal(3, await _server.CountRowsAsync(table));
        // Keys are stored as 32-byte digests, never as the caller's text.
        Assert.Equal(3L, await _server.CountRowsAsync(table, "octet_length(key) = 32"));
    }

    [Fact]
    public async Task An_entry_is_a_replay_until_its_expiry_and_reusable_from_then_on()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        var instance = NewInstance(table);
        var expiresAt = Start.AddMinutes(5);
        Assert.True(await instance.Cache.TryAddAsync("k", expiresAt));

        instance.Time.SetUtcNow(expiresAt.AddTicks(-10));
        Assert.False(await instance.Cache.TryAddAsync("k", expiresAt.AddMinutes(5)));

        instance.Time.SetUtcNow(expiresAt);
        Assert.True(await instance.Cache.TryAddAsync("k", expiresAt.AddMinutes(5)));
        Assert.False(await instance.Cache.TryAddAsync("k", expiresAt.AddMinutes(5)));

        instance.Time.SetUtcNow(expiresAt.AddMinutes(4));
        Assert.False(await instance.Cache.TryAddAsync("k", expiresAt.AddMinutes(10)));

        // The expired row was reused in place, with the new expiry.
        Assert.Equal(1, await _server.CountRowsAsync(table));
        var stored = (DateTime)(await _server.ExecuteScalarAsync($"SELECT expires_at FROM \"public\".\"{table}\""))!;
        Assert.Equal(expiresAt.AddMinutes(5).UtcDateTime, stored);
    }

    [Fact]
    public async Task Expiry_is_judged_by_the_callers_clock_not_the_database_clock()
    {
        // The manual clock is years behind the server's: an entry whose expiry is long past for the database is
        // still live for the instance, and is reused once the instance's own clock reaches it.
        var table = PostgreSqlServerFixture.UniqueTableName();
        var instance = NewInstance(table);
        Assert.True(await instance.Cache.TryAddAsync("k", Start.AddMinutes(1)));
        Assert.False(await instance.Cache.TryAddAsync("k", Start.AddMinutes(1)));
        instance.Time.SetUtcNow(Start.AddMinutes(1));
        Assert.True(await instance.Cache.TryAddAsync("k", Start.AddMinutes(2)));
    }

    [Fact]
    public async Task Two_instances_racing_on_one_key_admit_exactly_one_caller()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        // No explicit schema step: the first race also races both instances creating the table.
        var a = NewInstance(table);
        var b = NewInstance(table);

        for (int k = 0; k < 8; k++)
        {
            int accepted = await RaceAsync([a.Cache, b.Cache], "dpop:jkt:jti-" + k, Start.AddMinutes(5), callers: 64);
            Assert.True(accepted == 1, $"Key {k}: {accepted} of 64 callers were told first use.");
        }
        Assert.Equal(8, await _server.CountRowsAsync(table));
    }

    [Fact]
    public async Task Two_instances_racing_to_reuse_an_expired_key_admit_exactly_one_caller()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        var a = NewInstance(table);
        var b = NewInstance(table);
        var now = Start;
        for (int round = 0; round < 4; round++)
        {
            var expiresAt = now.AddMinutes(1);
            int accepted = await RaceAsync([a.Cache, b.Cache], "sig:key:reused", expiresAt, callers: 64);
            Assert.True(accepted == 1, $"Round {round}: {accepted} of 64 callers were told first use.");
            now = expiresAt;
            a.Time.SetUtcNow(now);
            b.Time.SetUtcNow(now);
        }
        Assert.Equal(1, await _server.CountRowsAsync(table));
    }

    [Fact]
    public async Task Racing_with_an_expiry_already_past_still_admits_exactly_one_caller()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        var a = NewInstance(table);
        var b = NewInstance(table);
        await a.Services.EnsurePostgreSqlReplayCacheSchemaAsync();

        int accepted = await RaceAsync([a.Cache, b.Cache], "sig:key:late", Start.AddMinutes(-1), callers: 64);

        Assert.True(accepted == 1, $"{accepted} of 64 callers were told first use.");
    }

    [Fact]
    public async Task Instances_creating_the_schema_at_the_same_time_all_succeed()
    {
        var schema = PostgreSqlServerFixture.UniqueTableName("schema");
        var table = PostgreSqlServerFixture.UniqueTableName();
        var instances = new ReplayCacheInstance[8];
        for (int i = 0; i < instances.Length; i++)
        {
            instances[i] = NewInstance(table, o => o.SchemaName = schema, maxPoolSize: 4);
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task[instances.Length];
        for (int i = 0; i < instances.Length; i++)
        {
            var services = instances[i].Services;
            tasks[i] = Task.Run(async () =>
            {
                await gate.Task;
                await services.EnsurePostgreSqlReplayCacheSchemaAsync();
            });
        }
        gate.SetResult();
        await Task.WhenAll(tasks);

        Assert.Equal(1L, await _server.ExecuteScalarAsync(
            $"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND tablename = '{table}' AND indexname = '{table}_expires_at_idx'"));
        Assert.True(await instances[0].Cache.TryAddAsync("k", Start.AddMinutes(1)));
        Assert.False(await instances[7].Cache.TryAddAsync("k", Start.AddMinutes(1)));
        // Idempotent afterwards, including from a fresh instance.
        await NewInstance(table, o => o.SchemaName = schema).Services.EnsurePostgreSqlReplayCacheSchemaAsync();
    }

    [Fact]
    public async Task A_missing_table_without_schema_creation_fails_closed_until_the_schema_is_ensured()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        var instance = NewInstance(table, o => o.CreateSchemaIfNotExists = false);

        var ex = await Assert.ThrowsAsync<ReplayCacheUnavailableException>(() => instance.Cache.TryAddAsync("k", Start.AddMinutes(1)).AsTask());
        var postgres = Assert.IsType<PostgresException>(ex.InnerException);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, postgres.SqlState);

        await instance.Services.EnsurePostgreSqlReplayCacheSchemaAsync();
        Assert.True(await instance.Cache.TryAddAsync("k", Start.AddMinutes(1)));
        Assert.False(await instance.Cache.TryAddAsync("k", Start.AddMinutes(1)));
    }

    [Fact]
    public async Task An_unreachable_server_fails_closed_and_is_counted()
    {
        int closedPort = GetClosedPort();
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = closedPort,
            Username = "postgres",
            Database = "agentauth_tests",
            Timeout = 2,
        }.ConnectionString;

        using var failures = new FailureRecorder();
        foreach (var createSchema in new[] { true, false })
        {
            var instance = Track(ReplayCacheInstance.Create(connectionString, PostgreSqlServerFixture.UniqueTableName(), Start,
                o => o.CreateSchemaIfNotExists = createSchema));
            for (int attempt = 0; attempt < 2; attempt++)
            {
                var ex = await Assert.ThrowsAsync<ReplayCacheUnavailableException>(
                    () => instance.Cache.TryAddAsync("k", Start.AddMinutes(1)).AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
                Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
            }
        }

        Assert.Equal(4, failures.Count);
        Assert.All(failures.Tags, tags =>
        {
            Assert.Equal("postgresql", tags["agentauth.replay_cache.store"]);
            Assert.Contains(tags["agentauth.replay_cache.operation"], new object?[] { "add", "ensure_schema" });
        });
    }

    [Fact]
    public async Task Cleanup_deletes_expired_rows_in_batches_and_keeps_live_ones()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        var instance = NewInstance(table, o => o.CleanupBatchSize = 3);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await instance.Cache.TryAddAsync("short-" + i, Start.AddSeconds(30)));
        }
        Assert.True(await instance.Cache.TryAddAsync("long-0", Start.AddMinutes(10)));
        Assert.True(await instance.Cache.TryAddAsync("long-1", Start.AddMinutes(10)));

        Assert.Equal(0, await instance.Store.DeleteExpiredAsync(CancellationToken.None));
        instance.Time.SetUtcNow(Start.AddMinutes(1));
        Assert.Equal(10, await instance.Store.DeleteExpiredAsync(CancellationToken.None));

        Assert.Equal(2, await _server.CountRowsAsync(table));
        Assert.False(await instance.Cache.TryAddAsync("long-0", Start.AddMinutes(10)));
        Assert.False(await instance.Cache.TryAddAsync("long-1", Start.AddMinutes(10)));
    }

    [Fact]
    public async Task The_hosted_cleanup_service_deletes_expired_rows_on_its_interval()
    {
        var table = PostgreSqlServerFixture.UniqueTableName();
        var instance = NewInstance(table, o => o.CleanupInterval = TimeSpan.FromMinutes(1));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(await instance.Cache.TryAddAsync("short-" + i, Start.AddSeconds(30)));
        }
        Assert.True(await instance.Cache.TryAddAsync("long", Start.AddMinutes(10)));

        var service = instance.CleanupService;
        await service.StartAsync(CancellationToken.None);
        try
        {
            instance.Time.Advance(TimeSpan.FromMinutes(1));

            // The service runs on its own task; wait (bounded) for its delete to land.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await _server.CountRowsAsync(table) != 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.Equal(1, await _server.CountRowsAsync(table));
            Assert.False(await instance.Cache.TryAddAsync("long", Start.AddMinutes(10)));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private ReplayCacheInstance NewInstance(string table, Action<PostgreSqlReplayCacheOptions>? configure = null, int maxPoolSize = 30) =>
        Track(ReplayCacheInstance.Create(_server.CreateConnectionString(maxPoolSize), table, Start, configure));

    private ReplayCacheInstance Track(ReplayCacheInstance instance)
    {
        _instances.Add(instance);
        return instance;
    }

    private static async Task<int> RaceAsync(IReplayCache[] caches, string key, DateTimeOffset expiresAt, int callers)
    {
        // Every caller waits on one gate without holding a thread, so releasing it puts all 64 statements in flight
        // together on the two instances' pools.
        int accepted = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task[callers];
        for (int i = 0; i < callers; i++)
        {
            var cache = caches[i % caches.Length];
            tasks[i] = Task.Run(async () =>
            {
                await gate.Task;
                if (await cache.TryAddAsync(key, expiresAt))
                {
                    Interlocked.Increment(ref accepted);
                }
            });
        }
        gate.SetResult();
        await Task.WhenAll(tasks);
        return accepted;
    }

    private static int GetClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class FailureRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<Dictionary<string, object?>> _tags = [];

        public FailureRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AgentAuth.AspNetCore" && instrument.Name == "agentauth.replay_cache.failures")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var copy = new Dictionary<string, object?>();
                foreach (var tag in tags)
                {
                    copy[tag.Key] = tag.Value;
                }
                lock (_tags)
                {
                    for (long i = 0; i < value; i++)
                    {
                        _tags.Add(copy);
                    }
                }
            });
            _listener.Start();
        }

        public int Count
        {
            get
            {
                lock (_tags)
                {
                    return _tags.Count;
                }
            }
        }

        public IReadOnlyList<Dictionary<string, object?>> Tags
        {
            get
            {
                lock (_tags)
                {
                    return [.. _tags];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
