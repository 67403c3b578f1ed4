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

    // 7120-7139: key material that is refused (weak, oversized or malformed keys). A directory's bad key is logged once, not per fetch.
    [LoggerMessage(EventId = 7120, EventName = "JwksKeySkipped", Level = LogLevel.Warning,
        Message = "A key in the set from {Address} was not loaded: entry {Index} (kid '{KeyId}'), {Kind}: {Reason}. The other keys of the set are used.")]
    public static partial void RemoteKeySkipped(ILogger logger, string address, int index, string? keyId, string kind, string reason);

    [LoggerMessage(EventId = 7121, EventName = "ConfiguredKeySkipped", Level = LogLevel.Warning,
        Message = "A key in {Option} was not loaded: entry {Index} (kid '{KeyId}'), {Kind}: {Reason}. The other keys of the set are used.")]
    public static partial void ConfiguredKeySkipped(ILogger logger, string option, int index, string? keyId, string kind, string reason);
}
