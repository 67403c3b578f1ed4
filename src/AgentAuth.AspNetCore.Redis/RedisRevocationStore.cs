using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentAuth.AspNetCore.Redis;

/// <summary>
/// <see cref="IRevocationStore"/> on Redis, shared by every instance of the API: a token revoked through one instance
/// is refused by all of them. An entry is the key <c>{prefix}revoked:{sha256}</c> with a TTL up to the token's own
/// expiry, so Redis forgets it when the token could no longer be used anyway.
/// </summary>
/// <remarks>
/// A check is one <c>EXISTS</c>; a revocation one Lua script that keeps the later of the current and the new expiry
/// (atomic, so two instances revoking at once cannot shorten an entry). A failure to get an answer within
/// <see cref="RedisStoreOptions.OperationTimeout"/> throws <see cref="RevocationStoreUnavailableException"/>: the store
/// never reports "not revoked" without Redis saying so.
/// </remarks>
internal sealed class RedisRevocationStore : IRevocationStore
{
    internal const string StoreName = "redis";

    // KEYS[1] the entry; ARGV[1] its TTL in ms. PTTL is -2 for a missing key: any TTL is later.
    internal const string RevokeScript = """
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
          redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
          return 1
        end
        return 0
        """;

    private readonly RedisConnection _connection;
    private readonly RedisStoreMetrics _metrics;
    private readonly ILogger _logger;

    public RedisRevocationStore(RedisConnection connection, RedisStoreMetrics metrics, ILogger<RedisRevocationStore> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _metrics = metrics;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var redisKey = RedisConnection.DigestKey(_connection.RevokedPrefix, key);
        try
        {
            return await _connection.RunAsync(
                redisKey,
                static (database, k) => database.KeyExistsAsync(k),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnection.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("check", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var redisKey = RedisConnection.DigestKey(_connection.RevokedPrefix, key);
        try
        {
            long ttl = _connection.TtlMilliseconds(expiresAt);
            await _connection.RunAsync(
                (Key: redisKey, Ttl: ttl),
                static (database, state) => database.ScriptEvaluateAsync(RevokeScript, [state.Key], [state.Ttl]),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnection.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("revoke", ex);
        }
    }

    private RevocationStoreUnavailableException Unavailable(string operation, Exception exception)
    {
        string errorType = RedisConnection.ErrorTypeOf(exception);
        _metrics.RevocationStoreFailed(StoreName, operation, errorType);
        RedisStoreLog.RevocationStoreUnavailable(_logger, operation, errorType, exception);
        return new RevocationStoreUnavailableException(
            $"The Redis revocation store could not answer a {operation} ({errorType}).", exception);
    }
}
