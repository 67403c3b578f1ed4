using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Key source logs. Event ids 100-149 are reserved for keys (the handler uses lower ids, tokens 150-199).</summary>
internal static partial class KeysLog
{
    [LoggerMessage(EventId = 100, EventName = "JwksFetchFailed", Level = LogLevel.Warning,
        Message = "Fetching keys from {Address} failed ({Outcome}): {Reason}. Cached keys: {CachedKeyCount}; next attempt in {RetryAfter}.")]
    public static partial void FetchFailed(ILogger logger, string address, string outcome, string reason, int cachedKeyCount, TimeSpan retryAfter);

    [LoggerMessage(EventId = 101, EventName = "JwksRefreshed", Level = LogLevel.Information,
        Message = "Keys from {Address} refreshed: {KeyCount} keys.")]
    public static partial void KeysRefreshed(ILogger logger, string address, int keyCount);

    [LoggerMessage(EventId = 102, EventName = "JwksUnknownKeyRefreshThrottled", Level = LogLevel.Debug,
        Message = "Unknown key id for {Address}; a refresh was done less than {RefreshInterval} ago, so none is forced now.")]
    public static partial void UnknownKeyRefreshThrottled(ILogger logger, string address, TimeSpan refreshInterval);

    [LoggerMessage(EventId = 103, EventName = "JwksUnknownKeyRefresh", Level = LogLevel.Debug,
        Message = "Unknown key id for {Address}; refreshing the key set.")]
    public static partial void UnknownKeyRefresh(ILogger logger, string address);

    // Per request during an outage, so Debug: the fetch failure itself is logged once per attempt (event 100).
    [LoggerMessage(EventId = 104, EventName = "JwksKeysUnavailable", Level = LogLevel.Debug,
        Message = "No keys are available from {Address}: {Reason}.")]
    public static partial void KeysUnavailable(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 105, EventName = "JwksLastKnownGoodKeyUsed", Level = LogLevel.Information,
        Message = "A key dropped from {Address} was used from the last-known-good set because the source is failing.")]
    public static partial void LastKnownGoodKeyUsed(ILogger logger, string address);
}
