using Microsoft.AspNetCore.Authorization;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Requires the AgentAuth-authenticated caller to hold a scope that covers <b>any one</b> of <see cref="Scopes"/>.
/// Several requirements on one endpoint or policy are all required. Patterns are validated and compiled when the
/// requirement is constructed; the identifier may contain <c>{routeValue}</c> placeholders resolved per request.
/// </summary>
/// <remarks>
/// Used by <see cref="RequireScopeAttribute"/>, the endpoint convention <c>.RequireScope(...)</c>, the policy builder
/// extension <c>RequireScope(...)</c> and <c>Scope:</c> named policies; one handler evaluates all of them.
/// </remarks>
public sealed class ScopeRequirement : IAuthorizationRequirement
{
    private readonly string[] _scopes;

    /// <summary>Creates a requirement satisfied by any one of <paramref name="scopes"/>.</summary>
    /// <param name="scopes">One or more patterns: <c>action:resource:identifier</c> (for example <c>read:data:{id}</c>) or an exact-match scope token (for example <c>agents.read</c>).</param>
    /// <exception cref="ArgumentException">No scope was given, or one is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A pattern is invalid; the message names it.</exception>
    public ScopeRequirement(params string[] scopes)
        : this((IEnumerable<string>)scopes)
    {
    }

    /// <summary>Creates a requirement satisfied by any one of <paramref name="scopes"/>.</summary>
    /// <param name="scopes">One or more patterns: <c>action:resource:identifier</c> (for example <c>read:data:{id}</c>) or an exact-match scope token (for example <c>agents.read</c>).</param>
    /// <exception cref="ArgumentException">No scope was given, or one is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A pattern is invalid; the message names it.</exception>
    public ScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var list = new List<string>();
        var patterns = new List<ScopePattern>();
        foreach (var scope in scopes)
        {
            if (scope is null)
            {
                throw new ArgumentException("A required scope is null.", nameof(scopes));
            }
            if (list.Contains(scope, StringComparer.Ordinal))
            {
                continue;
            }
            list.Add(scope);
            patterns.Add(ScopePattern.Create(scope));
        }
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one required scope must be given.", nameof(scopes));
        }
        _scopes = list.ToArray();
        Patterns = patterns.ToArray();
    }

    /// <summary>The accepted scope patterns as written (any one suffices).</summary>
    public IReadOnlyList<string> Scopes => _scopes;

    internal ScopePattern[] Patterns { get; }

    /// <inheritdoc/>
    public override string ToString() => "ScopeRequirement: any of " + string.Join(' ', _scopes);
}
