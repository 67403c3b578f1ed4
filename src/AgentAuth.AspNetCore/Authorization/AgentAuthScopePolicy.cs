namespace AgentAuth.AspNetCore;

/// <summary>
/// Named scope policies: a policy name <c>Scope:read:data:*</c> (several scopes separated by spaces are any-of)
/// resolves to the AgentAuth scheme, an authenticated user and a <see cref="ScopeRequirement"/>, for example
/// <c>[Authorize(Policy = "Scope:read:data:*")]</c> or <c>.RequireAuthorization("Scope:read:data:*")</c>.
/// A policy the application registers under the same name takes precedence.
/// </summary>
public static class AgentAuthScopePolicy
{
    /// <summary>The policy-name prefix, <c>Scope:</c> (matched case-insensitively, like policy names; the scopes are case-sensitive).</summary>
    public const string Prefix = "Scope:";

    /// <summary>The policy name requiring any one of <paramref name="scopes"/>.</summary>
    /// <param name="scopes">One or more scope patterns.</param>
    /// <returns>For example <c>Scope:read:data:* admin:data:*</c>.</returns>
    /// <exception cref="FormatException">A pattern is invalid; the message names it.</exception>
    public static string Name(params string[] scopes)
    {
        var requirement = new ScopeRequirement(scopes);
        return Prefix + string.Join(' ', requirement.Scopes);
    }
}
