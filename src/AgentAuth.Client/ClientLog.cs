using Microsoft.Extensions.Logging;

namespace AgentAuth.Client;

/// <summary>
/// The signing client's log lines, event ids 7140–7159. They name origins (scheme, host, port) only: never a path, a token,
/// a signature, a proof or a nonce.
/// </summary>
internal static partial class ClientLog
{
    [LoggerMessage(7140, LogLevel.Information,
        "AgentAuth client sent a request to {Origin} without credentials: the origin is not in AgentAuthSigningOptions.AllowedOrigins (default: the client's BaseAddress).",
        EventName = "CredentialsWithheld")]
    public static partial void CredentialsWithheld(this ILogger logger, string origin);

    [LoggerMessage(7141, LogLevel.Information,
        "AgentAuth client followed a {StatusCode} redirect from {FromOrigin} to {ToOrigin} without credentials: they never leave the request's origin.",
        EventName = "RedirectLeftOrigin")]
    public static partial void RedirectLeftOrigin(this ILogger logger, int statusCode, string fromOrigin, string toOrigin);

    [LoggerMessage(7142, LogLevel.Debug,
        "AgentAuth client returned a {StatusCode} redirect to the caller after following {Redirects} (AgentAuthSigningOptions.MaxRedirects {MaxRedirects}) or because its target is not followed (another scheme, https to http, user-info).",
        EventName = "RedirectNotFollowed")]
    public static partial void RedirectNotFollowed(this ILogger logger, int statusCode, int redirects, int maxRedirects);

    [LoggerMessage(7143, LogLevel.Warning,
        "AgentAuth client ignored a DPoP-Nonce from {Origin} that is not one RFC 9449 nonce of at most 512 NQCHAR characters ({Length} characters, {Count} values).",
        EventName = "MalformedDPoPNonce")]
    public static partial void MalformedDPoPNonce(this ILogger logger, string origin, int length, int count);

    [LoggerMessage(7144, LogLevel.Debug,
        "AgentAuth client forgot the DPoP nonce of {Origin}: a {StatusCode} refusal brought no new one.",
        EventName = "DPoPNonceDropped")]
    public static partial void DPoPNonceDropped(this ILogger logger, string origin, int statusCode);
}
