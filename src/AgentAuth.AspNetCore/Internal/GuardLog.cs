using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Log messages of the configuration and capacity guards (event ids 7160–7179): long signature windows, scope
/// placeholders an MVC action could receive from elsewhere than the route, and per-key replay quotas. Never logs
/// keys' secrets, nonces, tokens or signatures; a key is named by its public thumbprint only.
/// </summary>
internal static partial class GuardLog
{
    [LoggerMessage(7160, LogLevel.Warning, "AgentAuth scheme '{Scheme}': Signatures.MaxAge is {MaxAge} and Signatures.RequireNonce is false, so a captured signed request without a nonce can be replayed for that long. Lower MaxAge or set RequireNonce = true.", EventName = "LongSignatureWindowWithoutNonce")]
    public static partial void LongSignatureWindowWithoutNonce(this ILogger logger, string scheme, TimeSpan maxAge);

    [LoggerMessage(7161, LogLevel.Error, "Scope pattern '{Pattern}' failed closed: parameter '{Parameter}' of action '{Action}' is not bound from the route, so the action could receive a value other than the one authorized. Bind it with [FromRoute] or rename it.", EventName = "ScopePlaceholderNotRouteBound")]
    public static partial void ScopePlaceholderNotRouteBound(this ILogger logger, string pattern, string parameter, string action);

    [LoggerMessage(7162, LogLevel.Warning, "Replay cache: key {KeyThumbprint} holds {Quota} unexpired single-use values, its per-key quota; its new values are refused with 429 until some expire. Other keys are not affected. Raise MemoryReplayCacheOptions.PerKeyLimit if this agent is legitimate.", EventName = "ReplayQuotaReached")]
    public static partial void ReplayQuotaReached(this ILogger logger, string keyThumbprint, int quota);

    [LoggerMessage(7163, LogLevel.Debug, "Request refused with 429: the signing key's replay-cache quota is used up.", EventName = "ReplayQuotaExceeded")]
    public static partial void ReplayQuotaExceeded(this ILogger logger);
}
