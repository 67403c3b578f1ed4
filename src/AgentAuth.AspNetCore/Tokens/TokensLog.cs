using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Token validation logs. Event ids 150-199 (keys use 100-149). Tokens themselves are never logged.</summary>
internal static partial class TokensLog
{
    [LoggerMessage(EventId = 150, EventName = "TokenRejected", Level = LogLevel.Debug,
        Message = "Token rejected: {Reason}.")]
    public static partial void TokenRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 151, EventName = "TokenKeysUnavailable", Level = LogLevel.Debug,
        Message = "Token from issuer {Issuer} not validated: {Reason}.")]
    public static partial void KeysUnavailable(ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = 152, EventName = "TokenValidated", Level = LogLevel.Debug,
        Message = "Token from issuer {Issuer} validated (cache {CacheResult}).")]
    public static partial void TokenValidated(ILogger logger, string issuer, string cacheResult);
}
