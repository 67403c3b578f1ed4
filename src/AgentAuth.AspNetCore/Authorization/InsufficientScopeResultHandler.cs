using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Decorates the application's <see cref="IAuthorizationMiddlewareResultHandler"/>: when authorization forbade an
/// AgentAuth caller because a scope was missing, it answers 403 with an RFC 6750 <c>insufficient_scope</c> challenge
/// naming every scope the endpoint requires (placeholders resolved), <c>Cache-Control: no-store</c>, and a
/// ProblemDetails body when the application registered <see cref="IProblemDetailsService"/>. Everything else
/// (not authenticated, other failures, success) goes to the decorated handler unchanged.
/// </summary>
internal sealed class InsufficientScopeResultHandler(IAuthorizationMiddlewareResultHandler inner, ILogger<InsufficientScopeResultHandler> logger)
    : IAuthorizationMiddlewareResultHandler
{
    internal const string Error = "insufficient_scope";
    internal const string ErrorDescription = "The access token does not grant a scope this request requires.";
    internal const string ProblemType = "https://www.rfc-editor.org/rfc/rfc6750#section-3.1";

    // Signature-related headers a scheme may have queued; they never belong on a 403 (protocols.md §9.7).
    private static readonly string[] s_signatureHeaders = ["Signature-Error", "Accept-Signature", "Accept-Signature-Scheme", "Accept-Signature-Alg"];

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && HasScopeFailure(authorizeResult.AuthorizationFailure))
        {
            var identity = ScopeAuthorizationHandler.FindAgentAuthIdentity(context.User);
            if (identity is not null)
            {
                var authMethod = identity.FindFirst(AgentAuthClaimTypes.AuthenticationMode)?.Value;
                return WriteInsufficientScopeAsync(context, policy, authMethod);
            }
        }
        return inner.HandleAsync(next, context, policy, authorizeResult);
    }

    private static bool HasScopeFailure(AuthorizationFailure? failure)
    {
        if (failure is null)
        {
            return false;
        }
        foreach (var reason in failure.FailureReasons)
        {
            if (reason is ScopeAuthorizationFailureReason)
            {
                return true;
            }
        }
        return false;
    }

    private async Task WriteInsufficientScopeAsync(HttpContext context, AuthorizationPolicy policy, string? authMethod)
    {
        var scopes = RequiredScopes(context, policy);
        logger.InsufficientScope(scopes);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        foreach (var header in s_signatureHeaders)
        {
            response.Headers.Remove(header);
        }
        response.Headers.CacheControl = "no-store";
        response.Headers.WWWAuthenticate = BuildChallenge(
            string.Equals(authMethod, AgentAuthenticationModes.DPoP, StringComparison.Ordinal) ? "DPoP" : "Bearer",
            scopes,
            ResourceMetadataChallenge.GetResourceMetadataUrl(context));

        if (context.RequestServices.GetService<IProblemDetailsService>() is { } problemDetails)
        {
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Type = ProblemType,
                Detail = ErrorDescription,
            };
            problem.Extensions["error"] = Error;
            problem.Extensions["scope"] = scopes;
            await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        }
    }

    /// <summary>
    /// Every scope of every <see cref="ScopeRequirement"/> of the policy, met or not, placeholders resolved, in
    /// declaration order without duplicates: a client asks for all of them in one token (MCP: "all scopes needed").
    /// Patterns whose placeholders failed closed are left out, so no route value ever reaches the header.
    /// </summary>
    internal static string RequiredScopes(HttpContext context, AuthorizationPolicy policy)
    {
        var seen = new List<string>();
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is not ScopeRequirement scopeRequirement)
            {
                continue;
            }
            foreach (var pattern in scopeRequirement.Patterns)
            {
                if (pattern.TryResolveIdentifier(context, out var identifier) != PlaceholderFailure.None)
                {
                    continue;
                }
                var scope = pattern.Format(identifier);
                if (!seen.Contains(scope, StringComparer.Ordinal))
                {
                    seen.Add(scope);
                }
            }
        }
        return string.Join(' ', seen);
    }

    /// <summary>
    /// <c>{scheme} error="insufficient_scope", error_description="…", scope="…", resource_metadata="…"</c>. The scope
    /// list holds only scope-token characters (no <c>"</c> or <c>\</c>), and the metadata URL was validated at startup.
    /// </summary>
    internal static string BuildChallenge(string scheme, string scopes, string? resourceMetadata)
    {
        var builder = new StringBuilder(160)
            .Append(scheme)
            .Append(" error=\"").Append(Error)
            .Append("\", error_description=\"").Append(ErrorDescription).Append('"');
        if (scopes.Length > 0)
        {
            builder.Append(", scope=\"").Append(scopes).Append('"');
        }
        if (resourceMetadata is not null)
        {
            builder.Append(", resource_metadata=\"").Append(resourceMetadata).Append('"');
        }
        return builder.ToString();
    }
}
