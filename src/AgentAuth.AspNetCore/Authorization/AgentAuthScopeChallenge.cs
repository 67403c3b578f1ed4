using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The 403 <c>insufficient_scope</c> answer for integrations that authorize outside ASP.NET Core's authorization
/// middleware (for example an MCP tool call authorized inside the MCP endpoint): the same status, headers and
/// <c>WWW-Authenticate</c> challenge as a scope-protected endpoint's 403, built by the scheme's one challenge writer.
/// </summary>
public static class AgentAuthScopeChallenge
{
    /// <summary>
    /// When <paramref name="result"/> failed because an AgentAuth-authenticated caller lacks a scope (the case the scope
    /// handler reports), sets status 403, <c>Cache-Control: no-store</c> and <c>WWW-Authenticate: Bearer
    /// error="insufficient_scope", scope="…"</c> (<c>DPoP</c> for a DPoP-authenticated caller; <c>resource_metadata</c> when
    /// enabled) naming every scope of every <see cref="ScopeRequirement"/> of <paramref name="policy"/>, placeholders resolved
    /// against <paramref name="resource"/> as the scope handler resolves them. Writes no body: the caller writes its
    /// protocol's error. Any other outcome leaves the response untouched.
    /// </summary>
    /// <param name="context">The request to answer.</param>
    /// <param name="policy">The policy that was evaluated.</param>
    /// <param name="result">Its result.</param>
    /// <param name="resource">The authorization resource it was evaluated with (the request, or one an <see cref="IScopePlaceholderSource"/> knows).</param>
    /// <param name="scopes">The space-separated scopes named in the challenge (may be empty).</param>
    /// <returns><see langword="true"/> when the 403 was set.</returns>
    /// <exception cref="InvalidOperationException">The response has already started.</exception>
    public static bool TrySetInsufficientScope(HttpContext context, AuthorizationPolicy policy, AuthorizationResult result, object? resource, [NotNullWhen(true)] out string? scopes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(result);
        scopes = null;
        var identity = ScopeAuthorizationHandler.FindAgentAuthIdentity(context.User);
        if (result.Succeeded || identity is null || !InsufficientScopeResultHandler.HasScopeFailure(result.Failure))
        {
            return false;
        }
        if (context.Response.HasStarted)
        {
            throw new InvalidOperationException("The 403 insufficient_scope challenge must be set before the response starts.");
        }
        var sources = context.RequestServices.GetServices<IScopePlaceholderSource>().ToArray();
        var values = ScopeAuthorizationHandler.GetPlaceholderValues(resource ?? context, ScopeAuthorizationHandler.GetHttpContext(resource ?? context), sources, out _);
        scopes = InsufficientScopeResultHandler.RequiredScopes(policy, values);
        context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger<InsufficientScopeResultHandler>().InsufficientScope(scopes);
        InsufficientScopeResultHandler.SetInsufficientScope(context, scopes, identity.FindFirst(AgentAuthClaimTypes.AuthenticationMode)?.Value,
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger<InsufficientScopeResultHandler>() ?? (ILogger)NullLogger.Instance);
        return true;
    }
}
