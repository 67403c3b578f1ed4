using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Log messages of the AAuth resource side (event ids 7235-7239, 7320-7329). Never logs tokens or key material.</summary>
internal static partial class AAuthResourceLog
{
    [LoggerMessage(7235, LogLevel.Information, "AgentAuth scheme '{Scheme}' is the AAuth resource {Issuer}: resource tokens are signed with key '{KeyId}' ({Algorithm}); {PreviousKeyCount} previous key(s) are still published.", EventName = "AAuthResourceKeyLoaded")]
    public static partial void AAuthResourceKeyLoaded(this ILogger logger, string scheme, string issuer, string keyId, string algorithm, int previousKeyCount);

    [LoggerMessage(7236, LogLevel.Debug, "Minted AAuth resource token {TokenId} for person server {PersonServer} (aud {Audience}), scope '{Scope}'.", EventName = "AAuthResourceTokenMinted")]
    public static partial void AAuthResourceTokenMinted(this ILogger logger, string tokenId, string personServer, string audience, string scope);

    [LoggerMessage(7237, LogLevel.Information, "Insufficient scope, and no resource token for this caller (no verified person token, or no signing key); the 403 asks for requirement=person-token, the step before a resource token.", EventName = "AAuthPersonTokenRequired")]
    public static partial void AAuthPersonTokenRequired(this ILogger logger);

    [LoggerMessage(7238, LogLevel.Error, "The AAuth resource key '{KeyId}' ({Algorithm}) failed to sign a resource token; the 403 asks for requirement=person-token instead. Check the key.", EventName = "AAuthResourceTokenSigningFailed")]
    public static partial void AAuthResourceTokenSigningFailed(this ILogger logger, string keyId, string algorithm);
}
