using AgentAuth.AspNetCore;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Scope requirements for <see cref="AuthorizationPolicyBuilder"/> (named policies, <c>IAuthorizationService</c>).</summary>
public static class AgentAuthAuthorizationPolicyBuilderExtensions
{
    /// <summary>
    /// Requires an AgentAuth-authenticated caller holding a scope that covers any one of <paramref name="scopes"/>;
    /// call it again for another all-of requirement. Adds the AgentAuth scheme to the policy's schemes and requires
    /// an authenticated user, so the policy behaves exactly like <see cref="RequireScopeAttribute"/>.
    /// </summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="scopes">One or more scope patterns, for example <c>read:data:*</c> or <c>read:data:{id}</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="FormatException">A pattern is invalid; the message names it.</exception>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder builder, params string[] scopes) =>
        builder.RequireScope((IEnumerable<string>)scopes);

    /// <inheritdoc cref="RequireScope(AuthorizationPolicyBuilder, string[])"/>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder builder, IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = new ScopeRequirement(scopes);
        if (!builder.AuthenticationSchemes.Contains(AgentAuthDefaults.AuthenticationScheme))
        {
            builder.AuthenticationSchemes.Add(AgentAuthDefaults.AuthenticationScheme);
        }
        var hasAuthenticatedUser = false;
        foreach (var existing in builder.Requirements)
        {
            hasAuthenticatedUser |= existing is Infrastructure.DenyAnonymousAuthorizationRequirement;
        }
        if (!hasAuthenticatedUser)
        {
            builder.RequireAuthenticatedUser();
        }
        return builder.AddRequirements(requirement);
    }
}
