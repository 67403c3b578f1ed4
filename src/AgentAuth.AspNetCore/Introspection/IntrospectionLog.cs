using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Introspection and revocation logs. Event ids 7260-7279. Tokens, secrets and client assertions are never logged.</summary>
internal static partial class IntrospectionLog
{
    [LoggerMessage(EventId = 7260, EventName = "RevocationStoreUnavailable", Level = LogLevel.Error,
        Message = "The revocation store could not be reached; the request was refused with 503 rather than accepted unchecked.")]
    public static partial void RevocationStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7261, EventName = "IntrospectionFailed", Level = LogLevel.Warning,
        Message = "Introspection at {Endpoint} for issuer {Issuer} failed ({Outcome}): {Reason}. Requests with tokens that need it are refused with 503 until it answers.")]
    public static partial void IntrospectionFailed(ILogger logger, string endpoint, string issuer, string outcome, string reason);

    [LoggerMessage(EventId = 7262, EventName = "TokenInactive", Level = LogLevel.Debug,
        Message = "Introspection for issuer {Issuer}: the token is not active ({Reason}).")]
    public static partial void TokenInactive(ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = 7263, EventName = "TokenIntrospected", Level = LogLevel.Debug,
        Message = "Introspection for issuer {Issuer}: the token is active (cache {CacheResult}).")]
    public static partial void TokenIntrospected(ILogger logger, string issuer, string cacheResult);

    [LoggerMessage(EventId = 7264, EventName = "TokenRevoked", Level = LogLevel.Debug,
        Message = "Token refused: it is revoked (issuer {Issuer}).")]
    public static partial void TokenRevoked(ILogger logger, string issuer);

    [LoggerMessage(EventId = 7265, EventName = "RevocationRecorded", Level = LogLevel.Information,
        Message = "Token revoked through the revocation endpoint until {ExpiresAt} (key kind {KeyKind}).")]
    public static partial void RevocationRecorded(ILogger logger, DateTimeOffset expiresAt, string keyKind);

    [LoggerMessage(EventId = 7266, EventName = "RevocationRequestRejected", Level = LogLevel.Debug,
        Message = "Revocation request rejected: {Reason}.")]
    public static partial void RevocationRequestRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 7267, EventName = "RevocationEndpointStoreUnavailable", Level = LogLevel.Error,
        Message = "The revocation store could not record a revocation; answered 503.")]
    public static partial void RevocationEndpointStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7271, EventName = "RevocationTokenNotVerified", Level = LogLevel.Warning,
        Message = "Revocation request refused with 400: the submitted JWT (issuer {Issuer}) does not verify with the configured issuer keys ({Reason}); nothing was revoked. Check the caller: it may be submitting a made-up token.")]
    public static partial void RevocationTokenNotVerified(ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = 7272, EventName = "RevocationKeysUnavailable", Level = LogLevel.Warning,
        Message = "Revocation request answered 503: the keys of issuer {Issuer} could not be loaded to verify the submitted JWT ({Reason}).")]
    public static partial void RevocationKeysUnavailable(ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = 7270, EventName = "SharedIntrospectionCacheFailed", Level = LogLevel.Warning,
        Message = "The distributed cache for introspection answers of issuer {Issuer} failed ({ErrorType}); the endpoint is asked instead.")]
    public static partial void SharedCacheFailed(ILogger logger, string issuer, string errorType);
}
