using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Log messages of scope authorization (event ids 1300-1349).</summary>
internal static partial class ScopeAuthorizationLog
{
    [LoggerMessage(1300, LogLevel.Debug, "Scope requirement not met: none of '{RequiredScopes}' is granted.", EventName = "ScopeRequirementNotMet")]
    public static partial void ScopeRequirementNotMet(this ILogger logger, string requiredScopes);

    [LoggerMessage(1301, LogLevel.Debug, "Scope pattern '{Pattern}' failed closed: route placeholder {Failure}.", EventName = "ScopePlaceholderRejected")]
    public static partial void ScopePlaceholderRejected(this ILogger logger, string pattern, PlaceholderFailure failure);

    [LoggerMessage(1302, LogLevel.Warning, "Scope pattern '{Pattern}' failed closed: the request has no route value for its placeholder. Check the route template.", EventName = "ScopePlaceholderMissing")]
    public static partial void ScopePlaceholderMissing(this ILogger logger, string pattern);

    [LoggerMessage(1303, LogLevel.Information, "Forbidden: insufficient scope; required '{RequiredScopes}'.", EventName = "InsufficientScope")]
    public static partial void InsufficientScope(this ILogger logger, string requiredScopes);
}
