using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>
/// <see cref="IRevocationStore"/> on a PostgreSQL table shared by every instance of the API, so a token revoked through
/// one instance is refused by all of them. Keys are stored as SHA-256 digests; "now" is the instance's
/// <see cref="TimeProvider"/>. Any failure to get an answer throws <see cref="RevocationStoreUnavailableException"/>, so
/// the scheme fails closed (503) and never accepts an unchecked token.
/// </summary>
internal sealed class PostgreSqlRevocationStore : IRevocationStore, IAsyncDisposable, IDisposable
{
    private const int CleanupBatchSize = 100;
    // Advisory-lock class id ("AARV") that, with hashtext(table), serializes DDL from instances starting together.
    private const int SchemaLockClassId = 0x41415256;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly int _commandTimeoutSeconds;
    private readonly bool _createSchemaOnFirstUse;
    private readonly string _quotedSchema;
    private readonly string _isRevoked;
    private readonly string _revoke;
    private readonly string _deleteExpired;
    private readonly string _createTable;
    private readonly string _createIndex;
    private readonly SchemaGate _schema = new();

    public PostgreSqlRevocationStore(IOptions<PostgreSqlRevocationStoreOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var value = options.Value;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<PostgreSqlRevocationStore>();
        _commandTimeoutSeconds = (int)Math.Ceiling(value.CommandTimeout.TotalSeconds);
        _createSchemaOnFirstUse = value.CreateSchemaIfNotExists;

        // Plain identifiers (validated at startup), so quoting them is exact.
        _quotedSchema = "\"" + value.SchemaName + "\"";
        QualifiedTable = _quotedSchema + ".\"" + value.TableName + "\"";
        _isRevoked = $"SELECT EXISTS (SELECT 1 FROM {QualifiedTable} WHERE key = $1 AND expires_at > $2)";
        // Revoking again keeps the later expiry (IRevocationStore contract); the same batch deletes a few expired rows,
        // so the table stays small without a background service (revocations are rare, lookups are not).
        _revoke =
            $"INSERT INTO {QualifiedTable} AS t (key, expires_at) VALUES ($1, $2) " +
            "ON CONFLICT (key) DO UPDATE SET expires_at = GREATEST(t.expires_at, EXCLUDED.expires_at)";
        _deleteExpired =
            $"DELETE FROM {QualifiedTable} WHERE key IN (SELECT key FROM {QualifiedTable} WHERE expires_at <= $1 LIMIT {CleanupBatchSize} FOR UPDATE SKIP LOCKED) AND expires_at <= $1";
        _createTable = $"CREATE TABLE IF NOT EXISTS {QualifiedTable} (key bytea PRIMARY KEY, expires_at timestamptz NOT NULL)";
        _createIndex = $"CREATE INDEX IF NOT EXISTS \"{value.TableName}_expires_at_idx\" ON {QualifiedTable} (expires_at)";

        var builder = new NpgsqlDataSourceBuilder(value.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "AgentAuth.RevocationStore";
        builder.UseLoggerFactory(loggerFactory);
        _dataSource = builder.Build();
    }

    internal string QualifiedTable { get; }

    public async ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var digest = Digest(key);
        await EnsureSchemaIfNeededAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = _dataSource.CreateCommand(_isRevoked);
            command.CommandTimeout = _commandTimeoutSeconds;
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = digest });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = _timeProvider.GetUtcNow().UtcDateTime });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }
        catch (Exception ex) when (PostgreSqlValues.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("lookup", ex);
        }
    }

    public async ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var digest = Digest(key);
        await EnsureSchemaIfNeededAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var batch = _dataSource.CreateBatch();
            batch.Timeout = _commandTimeoutSeconds;
            var insert = new NpgsqlBatchCommand(_revoke);
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = digest });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = PostgreSqlValues.CeilingToMicroseconds(expiresAt) });
            batch.BatchCommands.Add(insert);
            var delete = new NpgsqlBatchCommand(_deleteExpired);
            delete.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = _timeProvider.GetUtcNow().UtcDateTime });
            batch.BatchCommands.Add(delete);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlValues.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("revoke", ex);
        }
    }

    /// <summary>Creates the schema, table and index when missing; idempotent and safe from several instances at once.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (await _schema.EnsureAsync(CreateSchemaAsync, cancellationToken).ConfigureAwait(false))
            {
                PostgreSqlRevocationStoreLog.SchemaEnsured(_logger, QualifiedTable);
            }
        }
        catch (Exception ex) when (PostgreSqlValues.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("ensure_schema", ex);
        }
    }

    // DDL under a transaction-scoped advisory lock, so instances starting together create it once.
    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction) { Timeout = _commandTimeoutSeconds };
        var lockCommand = new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({SchemaLockClassId}, hashtext($1))");
        lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = QualifiedTable });
        batch.BatchCommands.Add(lockCommand);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"CREATE SCHEMA IF NOT EXISTS {_quotedSchema}"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_createTable));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_createIndex));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask EnsureSchemaIfNeededAsync(CancellationToken cancellationToken) =>
        _schema.IsReady || !_createSchemaOnFirstUse ? ValueTask.CompletedTask : new(EnsureSchemaAsync(cancellationToken));

    private static byte[] Digest(string key)
    {
        var digest = new byte[Sha256Key.Size];
        Sha256Key.Compute(key, digest);
        return digest;
    }

    private RevocationStoreUnavailableException Unavailable(string operation, Exception exception)
    {
        var errorType = PostgreSqlReplayCache.ErrorTypeOf(exception);
        // Debug only: the exception carries the cause to its catcher, which logs the outage once (docs/events.md).
        PostgreSqlRevocationStoreLog.StoreUnavailable(_logger, operation, errorType, exception);
        return new RevocationStoreUnavailableException(
            $"The PostgreSQL revocation store {QualifiedTable} could not answer ({operation}, {errorType}).", exception);
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
}

/// <summary>Log messages of the PostgreSQL revocation store (event ids 7268-7269); never logs keys or connection strings.</summary>
internal static partial class PostgreSqlRevocationStoreLog
{
    [LoggerMessage(EventId = 7268, EventName = "RevocationStoreUnavailable", Level = LogLevel.Debug,
        Message = "The PostgreSQL revocation store could not answer ({Operation}, {ErrorType}); the request fails closed.")]
    public static partial void StoreUnavailable(ILogger logger, string operation, string errorType, Exception exception);

    [LoggerMessage(EventId = 7269, EventName = "RevocationSchemaEnsured", Level = LogLevel.Information,
        Message = "The PostgreSQL revocation table {Table} is ready.")]
    public static partial void SchemaEnsured(ILogger logger, string table);
}

/// <summary>Validates <see cref="PostgreSqlRevocationStoreOptions"/> at startup with messages naming the option to fix.</summary>
internal sealed class PostgreSqlRevocationStoreOptionsValidator : IValidateOptions<PostgreSqlRevocationStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlRevocationStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("PostgreSqlRevocationStoreOptions.ConnectionString is required.");
        }
        if (!PostgreSqlReplayCacheOptionsValidator.IsIdentifier(options.SchemaName, PostgreSqlReplayCacheOptionsValidator.MaxSchemaNameLength))
        {
            failures.Add($"PostgreSqlRevocationStoreOptions.SchemaName must be 1-{PostgreSqlReplayCacheOptionsValidator.MaxSchemaNameLength} characters of ASCII letters, digits and '_', not starting with a digit.");
        }
        if (!PostgreSqlReplayCacheOptionsValidator.IsIdentifier(options.TableName, PostgreSqlReplayCacheOptionsValidator.MaxTableNameLength))
        {
            failures.Add($"PostgreSqlRevocationStoreOptions.TableName must be 1-{PostgreSqlReplayCacheOptionsValidator.MaxTableNameLength} characters of ASCII letters, digits and '_', not starting with a digit.");
        }
        if (options.CommandTimeout < TimeSpan.FromSeconds(1) || options.CommandTimeout > TimeSpan.FromSeconds(int.MaxValue))
        {
            failures.Add($"PostgreSqlRevocationStoreOptions.CommandTimeout must be at least one second (was {options.CommandTimeout}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
