using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Redis;

/// <summary>Log messages of the Redis stores. Event ids 7290–7309; never log keys, tokens or connection strings.</summary>
internal static partial class RedisStoreLog
{
    // Debug, not Error: the exception this store throws carries the same cause, and its catcher (the AgentAuth handler)
    // logs the outage once at Error; see docs/events.md "An outage is logged once".
    [LoggerMessage(EventId = 7290, EventName = "RedisReplayStoreUnavailable", Level = LogLevel.Debug,
        Message = "The Redis replay cache could not answer ({ErrorType}); the request fails closed.")]
    public static partial void ReplayStoreUnavailable(ILogger logger, string errorType, Exception exception);

    // Debug for the same reason as 7290: the scheme's revocation check catches RevocationStoreUnavailableException and logs it.
    [LoggerMessage(EventId = 7291, EventName = "RedisRevocationStoreUnavailable", Level = LogLevel.Debug,
        Message = "The Redis revocation store could not answer a {Operation} ({ErrorType}); the request fails closed.")]
    public static partial void RevocationStoreUnavailable(ILogger logger, string operation, string errorType, Exception exception);

    // Debug: the handler logs the 429 (ReplayQuotaExceeded) and the metric agentauth.replay_cache.quota_exceeded counts it.
    [LoggerMessage(EventId = 7292, EventName = "RedisReplayQuotaReached", Level = LogLevel.Debug,
        Message = "An agent key holds its quota of {Limit} unexpired single-use values in the Redis replay cache; the value was not recorded.")]
    public static partial void ReplayQuotaReached(ILogger logger, int limit);

    [LoggerMessage(EventId = 7293, EventName = "RedisConnected", Level = LogLevel.Information,
        Message = "The AgentAuth Redis stores connected to {Endpoints}.")]
    public static partial void Connected(ILogger logger, string endpoints);
}
