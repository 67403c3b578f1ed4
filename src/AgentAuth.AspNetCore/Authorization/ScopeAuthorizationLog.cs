using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Log messages of scope authorization (event ids 1300-1349, and 7161 for a placeholder an MVC action could receive from elsewhere than the route).</summary>
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

    [LoggerMessage(7161, LogLevel.Error, "Scope pattern '{Pattern}' failed closed: parameter '{Parameter}' of action '{Action}' is not bound from the route, so the action could receive a value other than the one authorized. Bind it with [FromRoute] or rename it.", EventName = "ScopePlaceholderNotRouteBound")]
    public static partial void ScopePlaceholderNotRouteBound(this ILogger logger, string pattern, string parameter, string action);
}
