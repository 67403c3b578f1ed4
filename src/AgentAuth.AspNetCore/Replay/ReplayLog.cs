using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Log messages of replay protection: <see cref="MemoryReplayCache"/> (event ids 7000–7019; PostgreSQL's store logs
/// 7020–7039 in its own package) and per-key replay quotas (7162–7163). Never logs nonces; a key is named by its
/// public thumbprint only.
/// </summary>
internal static partial class ReplayLog
{
    [LoggerMessage(EventId = 7001, EventName = "ReplayCacheFull", Level = LogLevel.Warning,
        Message = "The in-memory replay cache holds {SizeLimit} unexpired entries; new single-use values are refused (fail closed) until entries expire. Raise MemoryReplayCacheOptions.SizeLimit or use a shared store.")]
    public static partial void CacheFull(ILogger logger, int sizeLimit);

    [LoggerMessage(EventId = 7002, EventName = "ReplayCacheRecovered", Level = LogLevel.Information,
        Message = "The in-memory replay cache has room again and accepts new values.")]
    public static partial void CacheRecovered(ILogger logger);

    [LoggerMessage(EventId = 7003, EventName = "ReplayCachePurged", Level = LogLevel.Debug,
        Message = "Removed {Removed} expired replay-cache entries; {Remaining} remain.")]
    public static partial void Purged(ILogger logger, int removed, int remaining);

    [LoggerMessage(7162, LogLevel.Warning, "Replay cache: key {KeyThumbprint} holds {Quota} unexpired single-use values, its per-key quota; its new values are refused with 429 until some expire. Other keys are not affected. Raise MemoryReplayCacheOptions.PerKeyLimit if this agent is legitimate.", EventName = "ReplayQuotaReached")]
    public static partial void ReplayQuotaReached(ILogger logger, string keyThumbprint, int quota);

    [LoggerMessage(7163, LogLevel.Debug, "Request refused with 429: the signing key's replay-cache quota is used up.", EventName = "ReplayQuotaExceeded")]
    public static partial void ReplayQuotaExceeded(ILogger logger);
}
