using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Carries the scopes an endpoint requires from authorization to the scheme's 401 challenge, so it can add
/// <c>scope="…"</c> as MCP asks ("include the scopes required now"), for attribute, convention and policy forms alike.
/// </summary>
internal static class ScopeChallenge
{
    private static readonly object s_itemKey = new();

    /// <summary>
    /// The space-separated scopes the endpoint requires (placeholders resolved; ones that failed closed left out), or
    /// <see langword="null"/> when authorization did not challenge for a scope-protected endpoint. Only scope-token
    /// characters: safe in a quoted-string.
    /// </summary>
    internal static string? GetRequiredScopes(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(s_itemKey, out var value) ? value as string : null;
    }

    internal static void SetRequiredScopes(HttpContext context, string scopes) => context.Items[s_itemKey] = scopes;

    private static readonly object s_optionsKey = new();

    /// <summary>
    /// The options of the AgentAuth scheme that authenticated this request, so the 403 <c>insufficient_scope</c>
    /// challenge carries the same <c>realm</c> and <c>error_description</c> policy as its 401s: recorded in
    /// <c>HttpContext.Items</c> when a <c>TokenValidated</c> event replaced the principal, else carried by the scheme's
    /// own identity (<see cref="AgentClaimsIdentity"/>, no per-request item); <see langword="null"/> when no AgentAuth
    /// scheme authenticated it (e.g. another handler issued the identity).
    /// </summary>
    internal static AgentAuthOptions? GetAuthenticatedSchemeOptions(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(s_optionsKey, out var value) && value is AgentAuthOptions recorded)
        {
            return recorded;
        }
        foreach (var identity in context.User.Identities)
        {
            if (identity is AgentClaimsIdentity { SchemeOptions: { } options })
            {
                return options;
            }
        }
        return null;
    }

    internal static void SetAuthenticatedSchemeOptions(HttpContext context, AgentAuthOptions options) => context.Items[s_optionsKey] = options;
}
