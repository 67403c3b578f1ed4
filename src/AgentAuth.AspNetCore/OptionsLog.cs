using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Log messages of options post-configuration and startup checks (event id 7160). Never logs secrets.</summary>
internal static partial class OptionsLog
{
    [LoggerMessage(7160, LogLevel.Warning, "AgentAuth scheme '{Scheme}': Signatures.MaxAge is {MaxAge} and Signatures.RequireNonce is false, so a captured signed request without a nonce can be replayed for that long. Lower MaxAge or set RequireNonce = true.", EventName = "LongSignatureWindowWithoutNonce")]
    public static partial void LongSignatureWindowWithoutNonce(this ILogger logger, string scheme, TimeSpan maxAge);
}
