using Npgsql;

namespace AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run (an xunit collection fixture): the server named by
/// <c>AGENTAUTH_POSTGRES_CONNECTION</c>, or a private loopback cluster with a fresh <c>agentauth_tests</c> database.
/// Tests isolate themselves with <see cref="UniqueTableName"/>; a test standing up several application instances
/// gives each its own <see cref="CreateConnectionString"/> (each becomes its own pooled data source).
/// </summary>
public sealed class PostgreSqlServerFixture : IAsyncLifetime
{
    private const string TestDatabase = "agentauth_tests";

    private PrivatePostgreSqlCluster? _cluster;
    private string? _connectionString;

    /// <summary>Connection string of the test database.</summary>
    public string ConnectionString =>
        _connectionString ?? throw new InvalidOperationException("The PostgreSQL fixture did not start.");

    /// <summary>
    /// A connection string for one application instance. The pool is capped so that several instances together stay
    /// under the server's connection limit (100 by default on a shared server).
    /// </summary>
    public string CreateConnectionString(int maxPoolSize = 30, int connectTimeoutSeconds = 30)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            MaxPoolSize = maxPoolSize,
            Timeout = connectTimeoutSeconds,
        };
        return builder.ConnectionString;
    }

    /// <summary>A table name no other test uses, so tests never see each other's rows.</summary>
    public static string UniqueTableName(string prefix = "replay") => prefix + "_" + Guid.NewGuid().ToString("N")[..16];

    public async Task InitializeAsync()
    {
        if (PostgreSqlTestEnvironment.MissingReason is { } missing)
        {
            // Fails every test of the collection with what to install: a missing server is never a skip.
            throw new InvalidOperationException(missing);
        }
        if (PostgreSqlTestEnvironment.ExternalConnectionString is { } external)
        {
            _connectionString = external;
            return;
        }

        var bin = PostgreSqlTestEnvironment.BinDirectory!;
        _cluster = await PrivatePostgreSqlCluster.StartAsync(bin);

        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _cluster.Port,
            Username = PrivatePostgreSqlCluster.SuperUser,
            Database = "postgres",
            Timeout = 30,
            Pooling = false,
        };
        await using (var connection = await OpenWithRetryAsync(admin.ConnectionString))
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {TestDatabase}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        admin.Database = TestDatabase;
        admin.Pooling = true;
        _connectionString = admin.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Rows in <paramref name="tableName"/> (schema <c>public</c>).</summary>
    public async Task<long> CountRowsAsync(string tableName, string? where = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"public\".\"{tableName}\"" + (where is null ? "" : " WHERE " + where), connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a statement against the test database (test setup and inspection only).</summary>
    public async Task<object?> ExecuteScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<NpgsqlConnection> OpenWithRetryAsync(string connectionString)
    {
        // pg_ctl -w returns once the server accepts connections; retry briefly for slow first start-ups anyway.
        for (int attempt = 1; ; attempt++)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync();
                return connection;
            }
            catch (NpgsqlException) when (attempt < 30)
            {
                await connection.DisposeAsync();
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
