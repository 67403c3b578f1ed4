using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>
/// <see cref="IReplayCache"/> on a PostgreSQL table shared by every instance of the API, so a value accepted by one
/// instance is a replay on all of them.
/// </summary>
/// <remarks>
/// <para>Each check is one pooled round trip running one <c>INSERT … ON CONFLICT … DO UPDATE … WHERE expired</c>
/// statement (see <see cref="PostgreSqlReplayCacheSql.TryAdd"/>), atomic across instances.</para>
/// <para>"Now" is the instance's <see cref="TimeProvider"/>, the same clock that judged the signature or proof and
/// computed <c>expiresAt</c>; the database clock is never used. Instance clocks must therefore be synchronized.</para>
/// <para>Any failure to get an answer (unreachable server, pool exhausted, timeout, SQL error) throws
/// <see cref="ReplayCacheUnavailableException"/>; the cache never reports first use without the database saying so.</para>
/// </remarks>
internal sealed class PostgreSqlReplayCache : IReplayCache, IAsyncDisposable, IDisposable
{
    internal const string StoreName = "postgresql";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlReplayCacheSql _sql;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ReplayCacheMetrics _metrics;
    private readonly int _commandTimeoutSeconds;
    private readonly int _cleanupBatchSize;
    private readonly bool _createSchemaOnFirstUse;
    private readonly SchemaGate _schema = new();

    public PostgreSqlReplayCache(
        IOptions<PostgreSqlReplayCacheOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        ReplayCacheMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(metrics);

        var value = options.Value;
        _sql = new PostgreSqlReplayCacheSql(value.SchemaName, value.TableName);
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<PostgreSqlReplayCache>();
        _metrics = metrics;
        _commandTimeoutSeconds = (int)Math.Ceiling(value.CommandTimeout.TotalSeconds);
        _cleanupBatchSize = value.CleanupBatchSize;
        _createSchemaOnFirstUse = value.CreateSchemaIfNotExists;

        var builder = new NpgsqlDataSourceBuilder(value.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "AgentAuth.ReplayCache";
        builder.UseLoggerFactory(loggerFactory);
        _dataSource = builder.Build();
    }

    /// <summary>The schema-qualified table name, for diagnostics and tests.</summary>
    internal string QualifiedTable => _sql.QualifiedTable;

    /// <inheritdoc />
    public async ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var digest = new byte[Sha256Key.Size];
        Sha256Key.Compute(key, digest);

        if (!_schema.IsReady && _createSchemaOnFirstUse)
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var command = _dataSource.CreateCommand(_sql.TryAdd);
            command.CommandTimeout = _commandTimeoutSeconds;
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = digest });
            // Read as late as possible: a stale "now" only keeps entries longer.
            var now = FloorToMicroseconds(_timeProvider.GetUtcNow());
            // Rounded up to PostgreSQL's microsecond precision so an entry never expires before expiresAt, and at
            // least one microsecond after now: an entry born expired would let every concurrent caller take it over.
            var expiry = PostgreSqlValues.CeilingToMicroseconds(expiresAt);
            if (expiry <= now)
            {
                expiry = now.AddTicks(TimeSpan.TicksPerMicrosecond);
            }
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = expiry });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now });
            var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return result is true;
        }
        catch (Exception ex) when (PostgreSqlValues.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable(Operation.Add, ex);
        }
    }

    /// <summary>
    /// Creates the schema, table and index when missing. Safe to call concurrently from any number of instances:
    /// DDL runs under a transaction-scoped advisory lock, and not at all when the table already exists.
    /// </summary>
    /// <exception cref="ReplayCacheUnavailableException">The database could not be reached or refused the DDL.</exception>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (await _schema.EnsureAsync(CreateSchemaAsync, cancellationToken).ConfigureAwait(false))
            {
                PostgreSqlReplayCacheLog.SchemaEnsured(_logger, _sql.QualifiedTable);
            }
        }
        catch (Exception ex) when (PostgreSqlValues.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable(Operation.EnsureSchema, ex);
        }
    }

    /// <summary>
    /// Deletes every row expired by now, in batches of <see cref="PostgreSqlReplayCacheOptions.CleanupBatchSize"/>.
    /// </summary>
    /// <returns>The number of rows deleted.</returns>
    /// <exception cref="ReplayCacheUnavailableException">The database could not be reached.</exception>
    internal async Task<long> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        if (!_schema.IsReady && _createSchemaOnFirstUse)
        {
            try
            {
                await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ReplayCacheUnavailableException ex) when (ex.InnerException is { } cause)
            {
                // A background run has no caller to log it, and the schema step logged at Debug only: say it here.
                PostgreSqlReplayCacheLog.CleanupFailed(_logger, ErrorTypeOf(cause), cause);
                throw;
            }
        }

        long total = 0;
        try
        {
            while (true)
            {
                await using var command = _dataSource.CreateCommand(_sql.DeleteExpiredBatch);
                command.CommandTimeout = _commandTimeoutSeconds;
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = _timeProvider.GetUtcNow().UtcDateTime });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _cleanupBatchSize });
                int deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                total += deleted;
                if (deleted < _cleanupBatchSize)
                {
                    PostgreSqlReplayCacheLog.CleanupCompleted(_logger, total);
                    return total;
                }
            }
        }
        catch (Exception ex) when (PostgreSqlValues.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable(Operation.Cleanup, ex);
        }
    }

    public ValueTask DisposeAsync()
    {
        _schema.Dispose();
        return _dataSource.DisposeAsync();
    }

    public void Dispose()
    {
        _schema.Dispose();
        _dataSource.Dispose();
    }

    /// <summary>The failure class reported in logs and the <c>error.type</c> metric tag.</summary>
    internal static string ErrorTypeOf(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState,
        TimeoutException or OperationCanceledException or { InnerException: TimeoutException } => "timeout",
        { InnerException: SocketException or IOException } => "connection",
        _ => exception.GetType().FullName ?? "unknown",
    };

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var (schemaExists, tableExists) = await ExistsAsync(connection, null, cancellationToken).ConfigureAwait(false);
        if (tableExists)
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand(_sql.LockSchema, connection, transaction))
        {
            lockCommand.CommandTimeout = _commandTimeoutSeconds;
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _sql.QualifiedTable });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Another instance may have finished while this one waited for the lock.
        (schemaExists, tableExists) = await ExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (!tableExists)
        {
            await using var batch = new NpgsqlBatch(connection, transaction) { Timeout = _commandTimeoutSeconds };
            if (!schemaExists)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.CreateSchema));
            }
            batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.CreateTable));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.CreateIndex));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(bool SchemaExists, bool TableExists)> ExistsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PostgreSqlReplayCacheSql.Exists, connection, transaction);
        command.CommandTimeout = _commandTimeoutSeconds;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _sql.QuotedSchema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _sql.QualifiedTable });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetBoolean(0), reader.GetBoolean(1));
    }

    private static DateTime FloorToMicroseconds(DateTimeOffset value)
    {
        long ticks = value.UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
    }

    private ReplayCacheUnavailableException Unavailable(Operation operation, Exception exception)
    {
        string errorType = ErrorTypeOf(exception);
        switch (operation)
        {
            case Operation.Add:
                _metrics.StoreFailed(StoreName, "add", errorType);
                PostgreSqlReplayCacheLog.StoreUnavailable(_logger, errorType, exception);
                return new ReplayCacheUnavailableException(
                    $"The PostgreSQL replay cache could not answer ({errorType}); the value was not recorded.", exception);
            case Operation.EnsureSchema:
                _metrics.StoreFailed(StoreName, "ensure_schema", errorType);
                PostgreSqlReplayCacheLog.SchemaFailed(_logger, _sql.QualifiedTable, errorType, exception);
                return new ReplayCacheUnavailableException(
                    $"The PostgreSQL replay cache table {_sql.QualifiedTable} could not be created ({errorType}).", exception);
            default:
                _metrics.StoreFailed(StoreName, "cleanup", errorType);
                PostgreSqlReplayCacheLog.CleanupFailed(_logger, errorType, exception);
                return new ReplayCacheUnavailableException(
                    $"Deleting expired rows from the PostgreSQL replay cache failed ({errorType}).", exception);
        }
    }

    private enum Operation
    {
        Add,
        EnsureSchema,
        Cleanup,
    }
}
