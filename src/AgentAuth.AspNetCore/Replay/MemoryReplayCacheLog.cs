using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Log messages of <see cref="MemoryReplayCache"/>. Event ids 7000–7019 (PostgreSQL: 7020–7039); never log keys.</summary>
internal static partial class MemoryReplayCacheLog
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
}
