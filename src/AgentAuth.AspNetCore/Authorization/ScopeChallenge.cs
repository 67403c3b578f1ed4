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
}
