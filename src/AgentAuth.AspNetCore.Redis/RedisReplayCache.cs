using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentAuth.AspNetCore.Redis;

/// <summary>
/// <see cref="IReplayCache"/> on Redis, shared by every instance of the API, so a value accepted by one instance is a
/// replay on all of them.
/// </summary>
/// <remarks>
/// <para>A check is one round trip. Without a partition (or with <see cref="RedisStoreOptions.PerKeyLimit"/> off) it is
/// <c>SET {prefix}replay:{sha256} 1 NX PX {ttl}</c>: Redis runs a command atomically, so of any number of concurrent
/// callers on any number of instances exactly one sets the key. With a partition it is one Lua script (also atomic) that
/// does the same <c>SET NX PX</c> after checking the agent key's quota in a sorted set of its values' expiries.</para>
/// <para>The TTL is <c>expiresAt</c> minus the instance's <see cref="TimeProvider"/> now, rounded up to a millisecond;
/// Redis then expires the key on its own clock, so there is no cleanup service.</para>
/// <para>Any failure to get an answer within <see cref="RedisStoreOptions.OperationTimeout"/> (unreachable server,
/// timeout, error reply such as OOM) throws <see cref="ReplayCacheUnavailableException"/>; the cache never reports
/// first use without Redis saying so.</para>
/// </remarks>
internal sealed class RedisReplayCache : IReplayCache
{
    internal const string StoreName = "redis";

    // KEYS[1] the value, KEYS[2] the agent key's quota set. ARGV: ttl ms, now ms, expiry ms, limit, member.
    // Returns 1 (added), 0 (present) or -(ms until the key's earliest value expires) - 1 (quota reached).
    // A replay costs the agent key nothing: presence is judged before the quota.
    internal const string PartitionedAddScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local now = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
          local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
          return -(tonumber(first[2]) - now) - 1
        end
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
        return 1
        """;

    private static readonly RedisValue One = 1;

    private readonly RedisConnection _connection;
    private readonly ReplayCacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int? _perKeyLimit;

    public RedisReplayCache(RedisConnection connection, IOptions<RedisStoreOptions> options, ReplayCacheMetrics metrics, ILogger<RedisReplayCache> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _metrics = metrics;
        _logger = logger;
        _perKeyLimit = options.Value.PerKeyLimit;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var redisKey = RedisConnection.DigestKey(_connection.ReplayPrefix, key);
        try
        {
            long ttl = _connection.TtlMilliseconds(expiresAt);
            return await _connection.RunAsync(
                (Key: redisKey, Ttl: ttl),
                static (database, state) => database.StringSetAsync(state.Key, One, TimeSpan.FromMilliseconds(state.Ttl), When.NotExists),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnection.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, string partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (_perKeyLimit is not { } limit)
        {
            return await TryAddAsync(key, expiresAt, cancellationToken).ConfigureAwait(false);
        }
        ArgumentNullException.ThrowIfNull(key);

        var valueKey = RedisConnection.DigestKey(_connection.ReplayPrefix, key);
        var quotaKey = RedisConnection.DigestKey(_connection.QuotaPrefix, partition);
        long result;
        try
        {
            long now = _connection.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            long ttl = _connection.TtlMilliseconds(expiresAt);
            var state = new PartitionedAdd(valueKey, quotaKey, ttl, now, limit);
            var reply = await _connection.RunAsync(
                state,
                static (database, s) => database.ScriptEvaluateAsync(
                    PartitionedAddScript,
                    [s.ValueKey, s.QuotaKey],
                    [s.Ttl, s.Now, s.Now + s.Ttl, s.Limit, s.ValueKey]),
                cancellationToken).ConfigureAwait(false);
            result = (long)reply;
        }
        catch (Exception ex) when (RedisConnection.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }

        if (result >= 0)
        {
            return result == 1;
        }
        _metrics.QuotaExceeded(StoreName);
        RedisStoreLog.ReplayQuotaReached(_logger, limit);
        var retryAfter = TimeSpan.FromMilliseconds(Math.Max(1, -result - 1));
        throw new ReplayQuotaExceededException(
            $"The key holds {limit} unexpired single-use values, its quota in the Redis replay cache; the value was not recorded.",
            retryAfter);
    }

    private ReplayCacheUnavailableException Unavailable(Exception exception)
    {
        string errorType = RedisConnection.ErrorTypeOf(exception);
        _metrics.StoreFailed(StoreName, "add", errorType);
        RedisStoreLog.ReplayStoreUnavailable(_logger, errorType, exception);
        return new ReplayCacheUnavailableException(
            $"The Redis replay cache could not answer ({errorType}); the value was not recorded.", exception);
    }

    private readonly record struct PartitionedAdd(byte[] ValueKey, byte[] QuotaKey, long Ttl, long Now, int Limit);
}
