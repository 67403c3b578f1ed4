using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>AAuth <c>Signature-Key</c> log messages (event ids 7220–7234). Never logs a key, token or signature.</summary>
internal static partial class AAuthLog
{
    [LoggerMessage(7220, LogLevel.Debug, "A Signature-Key request used scheme '{Scheme}', which is unknown or not enabled (AgentAuthOptions.AAuth.Allow*).", EventName = "AAuthSchemeNotEnabled")]
    public static partial void SchemeNotEnabled(ILogger logger, string scheme);

    [LoggerMessage(7221, LogLevel.Information, "The AAuth {Cache} cache reached AgentAuthOptions.AAuth.InlineKeyCacheSize ({Capacity}) and starts over; raise it if this repeats.", EventName = "AAuthKeyCacheFull")]
    public static partial void KeyCacheFull(ILogger logger, string cache, int capacity);

    [LoggerMessage(7222, LogLevel.Debug, "A jwks_uri key was refused: its origin {Origin} is not allowed by AgentAuthOptions.AAuth.Discovery.", EventName = "AAuthOriginNotAllowed")]
    public static partial void OriginNotAllowed(ILogger logger, string origin);

    [LoggerMessage(7223, LogLevel.Debug, "An AAuth jwt-scheme token was refused ({Error}): {Reason}", EventName = "AAuthTokenRefused")]
    public static partial void TokenRefused(ILogger logger, string error, string reason);

    [LoggerMessage(7224, LogLevel.Debug, "An agent token from issuer '{Issuer}' was refused: it is not in AgentAuthOptions.Issuers, and AgentAuthOptions.AAuth.DiscoverAgentTokenIssuers is off or AgentAuthOptions.AAuth.Discovery does not allow it (a canonical HTTPS origin on an allowed origin).", EventName = "AAuthAgentIssuerNotAllowed")]
    public static partial void AgentIssuerNotAllowed(ILogger logger, string issuer);

    [LoggerMessage(7225, LogLevel.Warning, "The aauth-agent.json of agent-token issuer '{Issuer}' was refused ({Error}): its issuer member must equal the token's iss byte for byte.", EventName = "AAuthAgentIssuerMetadataRefused")]
    public static partial void AgentIssuerMetadataRefused(ILogger logger, string issuer, string error);

    [LoggerMessage(7226, LogLevel.Debug, "A jwks Signature-Key member was refused: {Reason}.", EventName = "AAuthJwksMemberRefused")]
    public static partial void JwksMemberRefused(ILogger logger, string reason);
}
