using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Decorates the application's <see cref="IAuthorizationPolicyProvider"/> so <c>Scope:read:data:*</c> policy names
/// work. Every other name, the default and the fallback policy go to the decorated provider, and an application
/// policy registered under a <c>Scope:</c> name wins. Caching follows the decorated provider, so the authorization
/// middleware keeps its per-endpoint policy cache with the default provider.
/// </summary>
internal sealed class ScopePolicyProvider(IAuthorizationPolicyProvider inner) : IAuthorizationPolicyProvider
{
    // Policy names come from code, so the set is small; the bound protects against names built from input.
    private const int MaxCachedPolicies = 1024;

    private readonly ConcurrentDictionary<string, AuthorizationPolicy> _policies = new(StringComparer.Ordinal);

    public bool AllowsCachingPolicies => inner.AllowsCachingPolicies;

    public Task<AuthorizationPolicy> GetDefaultPolicyAsync() => inner.GetDefaultPolicyAsync();

    public Task<AuthorizationPolicy?> GetFallbackPolicyAsync() => inner.GetFallbackPolicyAsync();

    public Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        return policyName.StartsWith(AgentAuthScopePolicy.Prefix, StringComparison.OrdinalIgnoreCase)
            ? GetScopePolicyAsync(policyName)
            : inner.GetPolicyAsync(policyName);
    }

    private async Task<AuthorizationPolicy?> GetScopePolicyAsync(string policyName)
    {
        var registered = await inner.GetPolicyAsync(policyName).ConfigureAwait(false);
        if (registered is not null)
        {
            return registered;
        }
        if (_policies.TryGetValue(policyName, out var cached))
        {
            return cached;
        }
        var policy = Build(policyName);
        if (_policies.Count < MaxCachedPolicies)
        {
            _policies.TryAdd(policyName, policy);
        }
        return policy;
    }

    internal static AuthorizationPolicy Build(string policyName)
    {
        var scopes = policyName[AgentAuthScopePolicy.Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            return new AuthorizationPolicyBuilder().RequireScope(scopes).Build();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"The authorization policy '{policyName}' does not name valid scopes: {ex.Message}", ex);
        }
    }
}
