using AgentAuth.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Scope requirements for minimal API endpoints, route groups and other endpoint convention builders.</summary>
public static class AgentAuthScopeEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires an AgentAuth-authenticated caller holding a scope that covers any one of <paramref name="scopes"/>,
    /// exactly like <see cref="RequireScopeAttribute"/>; call it again for another all-of requirement.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder type.</typeparam>
    /// <param name="builder">The endpoint or route group.</param>
    /// <param name="scopes">One or more scope patterns, for example <c>read:data:*</c> or <c>read:data:{id}</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="FormatException">A pattern is invalid; the message names it.</exception>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthorization(new RequireScopeAttribute(scopes));
    }
}
