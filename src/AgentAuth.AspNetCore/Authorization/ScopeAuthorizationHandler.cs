using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The one handler for every <see cref="ScopeRequirement"/>. It reads the <see cref="AgentAuthClaimTypes.Scope"/>
/// claims (one per scope) of identities the AgentAuth scheme authenticated; a claim that is not a valid scope never
/// matches. A caller without such an identity is left to the challenge (401); one that lacks the scope fails with a
/// <see cref="ScopeAuthorizationFailureReason"/> so the 403 can name the scope.
/// </summary>
internal sealed class ScopeAuthorizationHandler(ILogger<ScopeAuthorizationHandler> logger, IEnumerable<IScopePlaceholderSource> placeholderSources)
    : AuthorizationHandler<ScopeRequirement>
{
    private readonly IScopePlaceholderSource[] _placeholderSources = placeholderSources.ToArray();

    public ScopeAuthorizationHandler(ILogger<ScopeAuthorizationHandler> logger)
        : this(logger, [])
    {
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (!HasAgentAuthIdentity(context.User))
        {
            return Task.CompletedTask;
        }
        var httpContext = GetHttpContext(context.Resource);
        var values = GetPlaceholderValues(context.Resource, httpContext, _placeholderSources, out var anyValue);
        foreach (var pattern in requirement.Patterns)
        {
            if (anyValue)
            {
                if (IsCoverable(context.User, pattern))
                {
                    context.Succeed(requirement);
                    return Task.CompletedTask;
                }
                continue;
            }
            var failure = pattern.TryResolveIdentifier(values, out var identifier);
            if (failure != PlaceholderFailure.None)
            {
                LogPlaceholderFailure(pattern, failure);
                continue;
            }
            if (pattern.HasPlaceholders && httpContext is not null && !PlaceholdersAreRouteBound(httpContext, pattern))
            {
                continue;
            }
            if (IsGranted(context.User, pattern, identifier))
            {
                context.Succeed(requirement);
                return Task.CompletedTask;
            }
        }
        var required = string.Join(' ', requirement.Scopes);
        logger.ScopeRequirementNotMet(required);
        context.Fail(new ScopeAuthorizationFailureReason(this, requirement, "The caller lacks a scope covering any of: " + required));
        return Task.CompletedTask;
    }

    /// <summary>Whether <paramref name="identity"/> was authenticated by the AgentAuth scheme.</summary>
    internal static bool IsAgentAuthIdentity(ClaimsIdentity identity) =>
        identity.IsAuthenticated && string.Equals(identity.AuthenticationType, AgentAuthDefaults.AuthenticationScheme, StringComparison.Ordinal);

    internal static ClaimsIdentity? FindAgentAuthIdentity(ClaimsPrincipal? user)
    {
        if (user is null)
        {
            return null;
        }
        foreach (var identity in user.Identities)
        {
            if (IsAgentAuthIdentity(identity))
            {
                return identity;
            }
        }
        return null;
    }

    /// <summary>
    /// Where placeholders resolve from: the request's route values, else the values a registered
    /// <see cref="IScopePlaceholderSource"/> reads from the resource (<paramref name="anyValue"/> when it stands for every
    /// value, as a listing does); <see langword="null"/> (placeholders fail closed) when nothing knows the resource.
    /// </summary>
    internal static IReadOnlyDictionary<string, object?>? GetPlaceholderValues(object? resource, HttpContext? httpContext, IScopePlaceholderSource[] sources, out bool anyValue)
    {
        anyValue = false;
        if (httpContext is not null)
        {
            return httpContext.Request.RouteValues;
        }
        if (resource is null)
        {
            return null;
        }
        foreach (var source in sources)
        {
            if (source.TryGetValues(resource, out var values))
            {
                anyValue = values is null;
                return values;
            }
        }
        return null;
    }

    internal static HttpContext? GetHttpContext(object? resource) => resource switch
    {
        HttpContext httpContext => httpContext,
        AuthorizationFilterContext filterContext => filterContext.HttpContext,
        _ => null,
    };

    /// <summary>
    /// For an MVC action: whether every parameter (or bound property) named like a placeholder of <paramref name="pattern"/>
    /// is bound from the route, so the action receives the value just authorized. <see cref="ScopeRouteBindingConvention"/>
    /// binds those it can see at startup; this catches scopes it could not see (endpoint conventions, custom policy providers).
    /// </summary>
    private bool PlaceholdersAreRouteBound(HttpContext httpContext, ScopePattern pattern)
    {
        if (httpContext.GetEndpoint()?.Metadata.GetMetadata<ControllerActionDescriptor>() is not { } action)
        {
            return true;
        }
        foreach (var name in pattern.PlaceholderNames)
        {
            var unbound = FindUnboundParameter(action.Parameters, name) ?? FindUnboundParameter(action.BoundProperties, name);
            if (unbound is not null)
            {
                logger.ScopePlaceholderNotRouteBound(pattern.Template, unbound.Name, action.DisplayName ?? action.ActionName);
                return false;
            }
        }
        return true;
    }

    private static ParameterDescriptor? FindUnboundParameter(IList<ParameterDescriptor> parameters, string placeholder)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var binding = parameter.BindingInfo;
            if (string.Equals(binding?.BinderModelName ?? parameter.Name, placeholder, StringComparison.OrdinalIgnoreCase)
                && binding?.BindingSource != BindingSource.Path)
            {
                return parameter;
            }
        }
        return null;
    }

    private static bool HasAgentAuthIdentity(ClaimsPrincipal? user) => FindAgentAuthIdentity(user) is not null;

    private static bool IsGranted(ClaimsPrincipal user, ScopePattern pattern, string identifier)
    {
        foreach (var identity in user.Identities)
        {
            if (!IsAgentAuthIdentity(identity))
            {
                continue;
            }
            foreach (var claim in identity.Claims)
            {
                if (string.Equals(claim.Type, AgentAuthClaimTypes.Scope, StringComparison.Ordinal) && pattern.IsCoveredBy(claim.Value, identifier))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsCoverable(ClaimsPrincipal user, ScopePattern pattern)
    {
        foreach (var identity in user.Identities)
        {
            if (!IsAgentAuthIdentity(identity))
            {
                continue;
            }
            foreach (var claim in identity.Claims)
            {
                if (string.Equals(claim.Type, AgentAuthClaimTypes.Scope, StringComparison.Ordinal) && pattern.IsCoverableBy(claim.Value))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private void LogPlaceholderFailure(ScopePattern pattern, PlaceholderFailure failure)
    {
        if (failure is PlaceholderFailure.Missing or PlaceholderFailure.NoHttpContext)
        {
            logger.ScopePlaceholderMissing(pattern.Template);
        }
        else
        {
            logger.ScopePlaceholderRejected(pattern.Template, failure);
        }
    }
}
