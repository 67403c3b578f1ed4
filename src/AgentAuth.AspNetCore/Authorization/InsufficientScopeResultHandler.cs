using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Decorates the application's <see cref="IAuthorizationMiddlewareResultHandler"/>: when authorization forbade an
/// AgentAuth caller because a scope was missing, it answers 403 with an RFC 6750 <c>insufficient_scope</c> challenge
/// naming every scope the endpoint requires (placeholders resolved), <c>Cache-Control: no-store</c>, and a
/// ProblemDetails body when the application registered <see cref="IProblemDetailsService"/>. Everything else
/// (not authenticated, other failures, success) goes to the decorated handler unchanged; before a challenge of a
/// scope-protected endpoint it records the required scopes for the scheme (<see cref="ScopeChallenge"/>).
/// </summary>
internal sealed class InsufficientScopeResultHandler(IAuthorizationMiddlewareResultHandler inner, ILogger<InsufficientScopeResultHandler> logger)
    : IAuthorizationMiddlewareResultHandler
{
    internal const string Error = "insufficient_scope";
    internal const string ErrorDescription = "The access token does not grant a scope this request requires.";
    internal const string ProblemType = "https://www.rfc-editor.org/rfc/rfc6750#section-3.1";

    // Signature-related headers a scheme may have queued; they ask for a different signature, which a 403 does not.
    private static readonly string[] s_signatureHeaders =
        [AgentAuthHeaderNames.SignatureError, AgentAuthHeaderNames.AcceptSignature, AgentAuthHeaderNames.AcceptSignatureScheme, AgentAuthHeaderNames.AcceptSignatureAlg];

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
        if (authorizeResult.Challenged)
        {
            var scopes = HasScopeRequirement(policy)
                ? RequiredScopes(policy, context.Request.RouteValues)
                : ChallengeScopes(context);
            if (scopes.Length > 0)
            {
                ScopeChallenge.SetRequiredScopes(context, scopes);
            }
        }
        return inner.HandleAsync(next, context, policy, authorizeResult);
    }

    private static bool HasScopeRequirement(AuthorizationPolicy policy)
    {
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is ScopeRequirement)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The scopes an endpoint's <see cref="IScopeChallengeMetadata"/> names (its operations' scopes, e.g. an MCP server's
    /// tools), space-separated; only scope tokens, so the value is safe in the challenge's quoted-string.
    /// </summary>
    internal static string ChallengeScopes(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IScopeChallengeMetadata>() is not { } metadata)
        {
            return string.Empty;
        }
        var seen = new List<string>();
        foreach (var scope in metadata.GetChallengeScopes(context.RequestServices))
        {
            if (!string.IsNullOrEmpty(scope) && !scope.AsSpan().ContainsAnyExcept(ScopeSyntax.ScopeChars) && !seen.Contains(scope, StringComparer.Ordinal))
            {
                seen.Add(scope);
            }
        }
        return string.Join(' ', seen);
    }

    internal static bool HasScopeFailure(AuthorizationFailure? failure)
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
        var scopes = RequiredScopes(policy, context.Request.RouteValues);
        logger.InsufficientScope(scopes);
        var (includeErrorDetails, aauth) = SetInsufficientScope(context, scopes, authMethod, logger);

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
            if (await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
            {
                return;
            }
        }
        if (aauth is not null)
        {
            await WriteAAuthProblemAsync(context.Response, scopes, includeErrorDetails);
        }
    }

    /// <summary>
    /// The AAuth error body (draft-hardt-oauth-aauth-protocol, "Error Response Format"): <c>application/problem+json</c> whose
    /// <c>error</c> member is what an AAuth agent acts on, with the required <c>scope</c>; written when the application has no
    /// <see cref="IProblemDetailsService"/> of its own (which writes the same members).
    /// </summary>
    private static Task WriteAAuthProblemAsync(HttpResponse response, string scopes, bool includeErrorDetails)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", ProblemType);
            writer.WriteString("title", "Forbidden");
            writer.WriteNumber("status", StatusCodes.Status403Forbidden);
            if (includeErrorDetails)
            {
                writer.WriteString("detail", ErrorDescription);
            }
            writer.WriteString("error", Error);
            writer.WriteString("scope", scopes);
            writer.WriteEndObject();
        }
        response.ContentType = "application/problem+json";
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>
    /// Status 403, <c>Cache-Control: no-store</c>, no queued signature headers, and the <c>insufficient_scope</c>
    /// challenge (<c>DPoP</c> for a DPoP caller, else <c>Bearer</c>) built by the one challenge writer, plus the AAuth
    /// requirement when the scheme is an AAuth resource. No body; returns what the caller needs to write one.
    /// </summary>
    internal static (bool IncludeErrorDetails, AAuthResource? AAuth) SetInsufficientScope(HttpContext context, string scopes, string? authMethod, ILogger logger)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        foreach (var header in s_signatureHeaders)
        {
            response.Headers.Remove(header);
        }
        response.Headers.CacheControl = "no-store";
        var (realm, includeErrorDetails, aauth) = ChallengeSettings(context);
        response.Headers.WWWAuthenticate = BuildChallenge(
            string.Equals(authMethod, AgentAuthenticationModes.DPoP, StringComparison.Ordinal) ? ChallengeTemplates.DPoPScheme : ChallengeTemplates.BearerScheme,
            realm,
            scopes,
            includeErrorDetails,
            ResourceMetadataChallenge.GetResourceMetadataUrl(context));
        if (aauth is not null)
        {
            AgentAuthChallengeWriter.WriteAAuthInsufficientScope(context, aauth, scopes, logger);
        }
        return (includeErrorDetails, aauth);
    }

    /// <summary>
    /// The <c>realm</c> and whether to send <c>error_description</c>, as the scheme's 401s do: from the options of the
    /// AgentAuth scheme that authenticated the request, else (another handler issued the AgentAuth identity) from the
    /// options named <see cref="AgentAuthDefaults.AuthenticationScheme"/>, with the same Development-only default.
    /// </summary>
    private static (string? Realm, bool IncludeErrorDetails, AAuthResource? AAuth) ChallengeSettings(HttpContext context)
    {
        var options = ScopeChallenge.GetAuthenticatedSchemeOptions(context)
            ?? context.RequestServices.GetService<IOptionsMonitor<AgentAuthOptions>>()?.Get(AgentAuthDefaults.AuthenticationScheme);
        var includeErrorDetails = options?.IncludeErrorDetails ?? AgentAuthPostConfigureOptions.DefaultIncludeErrorDetails(context.RequestServices);
        return (options?.Realm, includeErrorDetails, options?.Runtime?.AAuthResource);
    }

    /// <summary>
    /// Every scope of every <see cref="ScopeRequirement"/> of the policy, met or not, placeholders resolved, in
    /// declaration order without duplicates: a client asks for all of them in one token (MCP: "all scopes needed").
    /// Patterns whose placeholders failed closed are left out, so no route value ever reaches the header.
    /// </summary>
    internal static string RequiredScopes(HttpContext context, AuthorizationPolicy policy) => RequiredScopes(policy, context.Request.RouteValues);

    /// <inheritdoc cref="RequiredScopes(HttpContext, AuthorizationPolicy)"/>
    internal static string RequiredScopes(AuthorizationPolicy policy, IReadOnlyDictionary<string, object?>? placeholderValues)
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
                if (pattern.TryResolveIdentifier(placeholderValues, out var identifier) != PlaceholderFailure.None)
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
    /// <c>{scheme} realm="…", error="insufficient_scope", error_description="…", scope="…", resource_metadata="…"</c>, built by
    /// the scheme's one challenge builder (<see cref="AgentAuthChallengeWriter.FormatChallenge"/>): <c>realm</c> when
    /// configured and <c>error_description</c> only with <see cref="AgentAuthOptions.IncludeErrorDetails"/>, as in the 401s;
    /// the error code and <c>scope</c> always.
    /// </summary>
    internal static string BuildChallenge(string scheme, string? realm, string scopes, bool includeErrorDetails, string? resourceMetadata) =>
        AgentAuthChallengeWriter.FormatChallenge(scheme, realm, Error, includeErrorDetails ? ErrorDescription : null, scopes.Length > 0 ? scopes : null, algs: null, resourceMetadata);
}
