using StackExchange.Redis;

namespace AgentAuth.AspNetCore.Redis;

/// <summary>
/// Options of the Redis stores (replay cache and revocation store), registered with
/// <c>services.AddAgentAuthRedis(connectionString, options => …)</c> or <c>services.AddAgentAuthRedis(multiplexer, options => …)</c>.
/// </summary>
/// <remarks>
/// <para>Every entry is a Redis key with a TTL (<c>SET … NX PX</c>): Redis forgets it when it expires, so there is no
/// cleanup service. Keys are <c>{KeyPrefix}replay:{sha256 hex}</c>, <c>{KeyPrefix}replay-quota:{sha256 hex of the agent key}</c>
/// and <c>{KeyPrefix}revoked:{sha256 hex}</c>; no token, nonce or key is stored in clear.</para>
/// <para>Run Redis with <c>maxmemory-policy noeviction</c> (its default): an evicting policy could drop a live replay
/// entry and so accept a replay, whereas a full Redis under <c>noeviction</c> refuses the write and the request fails closed (503).</para>
/// </remarks>
public sealed class RedisStoreOptions
{
    /// <summary>The default <see cref="KeyPrefix"/>, <c>agentauth:</c>.</summary>
    public const string DefaultKeyPrefix = "agentauth:";

    /// <summary>The default <see cref="PerKeyLimit"/>: 10 000 unexpired single-use values per agent key.</summary>
    public const int DefaultPerKeyLimit = 10_000;

    /// <summary>
    /// The StackExchange.Redis configuration string (for example <c>redis:6379,password=…</c>). Set by the
    /// connection-string registration; ignored when an existing <see cref="IConnectionMultiplexer"/> is used.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Prefix of every key the stores write, so several applications (or environments) can share one Redis database.
    /// At most 64 characters, none of them whitespace or control characters. Default <c>agentauth:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>
    /// How long one store operation may take, connecting included, before the request fails closed with 503 and
    /// <c>Retry-After</c>. Between 1 millisecond and 1 minute. Default 1 second.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Unexpired single-use values one agent key may hold (see <see cref="IReplayCache"/> partitions); past it the key's
    /// requests get 429 while every other key is served. <see langword="null"/> turns the quota off (one <c>SET NX PX</c>
    /// per check instead of a script), for deployments whose Redis memory one key cannot exhaust, and for a Redis Cluster,
    /// where the value and its agent key's quota may live in different slots. At least 1. Default <see cref="DefaultPerKeyLimit"/>.
    /// </summary>
    public int? PerKeyLimit { get; set; } = DefaultPerKeyLimit;
}
