namespace AgentAuth.AspNetCore;

/// <summary>
/// Options of the in-memory replay cache, the default <see cref="IReplayCache"/> for a single-instance API.
/// Configure with <c>services.Configure&lt;MemoryReplayCacheOptions&gt;(…)</c>.
/// </summary>
/// <remarks>
/// The cache never evicts an unexpired entry to make room: that would let the evicted nonce be replayed. When it
/// holds <see cref="SizeLimit"/> unexpired entries, a new value is refused with
/// <see cref="ReplayCacheUnavailableException"/> and the request fails closed (503) until entries expire.
/// Size the limit for the peak number of single-use values accepted within one acceptance window. Each agent key
/// may hold at most <see cref="PerKeyLimit"/> of them, so a single agent cannot exhaust the cache for everyone.
/// </remarks>
public sealed class MemoryReplayCacheOptions
{
    /// <summary>The default <see cref="SizeLimit"/>: 100 000 entries (about 10 MB, since keys are stored as 32-byte digests).</summary>
    public const int DefaultSizeLimit = 100_000;

    /// <summary>
    /// The most entries held at once. When reached and no entry has expired, new values are refused (fail closed)
    /// rather than evicting a live one. Default <see cref="DefaultSizeLimit"/>; at least 1.
    /// </summary>
    public int SizeLimit { get; set; } = DefaultSizeLimit;

    /// <summary>
    /// The most unexpired entries one agent key (signing or DPoP proof key thumbprint) may hold, so one agent cannot fill the
    /// cache and deny the others: its further values are refused with 429 <c>replay_quota_exceeded</c> while other keys are
    /// served. Default (<see langword="null"/>): a tenth of <see cref="SizeLimit"/>, at least 1. Between 1 and <see cref="SizeLimit"/>.
    /// </summary>
    public int? PerKeyLimit { get; set; }

    /// <summary>The per-key limit in effect: <see cref="PerKeyLimit"/>, or a tenth of <see cref="SizeLimit"/> (at least 1).</summary>
    internal int EffectivePerKeyLimit => PerKeyLimit ?? Math.Max(1, SizeLimit / 10);

    /// <summary>
    /// How often expired entries are removed in the background. Expired entries are also removed whenever the cache
    /// is full. Default one minute; greater than zero.
    /// </summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(1);
}
