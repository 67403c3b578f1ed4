using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Log messages of the LumoAuth profile (event ids 7240-7249). Never logs tokens or signature values.</summary>
internal static partial class LumoAuthLog
{
    [LoggerMessage(7240, LogLevel.Information, "AgentAuth scheme '{Scheme}': the LumoAuth compatibility profile is ON for tokens of {Issuer} ({AgentCount} registered agents): the Agent-Auth quick-start header and the LumoAuth SDK's base64url signatures with an absent signature-key are accepted for that issuer's key-bound tokens.", EventName = "LumoAuthProfileEnabled")]
    public static partial void ProfileEnabled(this ILogger logger, string scheme, string issuer, int agentCount);

    [LoggerMessage(7241, LogLevel.Warning, "LumoAuth: a signature value was presented again by key {KeyThumbprint} (agent {AgentId}); the request is refused as a replay.", EventName = "LumoAuthSignatureReplayed")]
    public static partial void SignatureReplayed(this ILogger logger, string keyThumbprint, string agentId);
}
