using Microsoft.AspNetCore.Authorization;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Requires an AgentAuth-authenticated caller holding a scope that covers any one of the given patterns: an
/// <c>action:resource:identifier</c> pattern (two or more <c>:</c>) follows the coverage rules of <see cref="Scope"/>, any
/// other RFC 6749 scope token (<c>agents.read</c>, <c>crm:read</c>, <c>api://app/.default</c>) must be granted exactly. Several attributes (on the class and the action, or repeated) must
/// all be satisfied. This is a complete authorization attribute: no separate <c>[Authorize]</c> is needed.
/// </summary>
/// <example>
/// <code>
/// [RequireScope("read:data:*")]                    // any read on data
/// [RequireScope("read:data:{id}")]                 // the identifier comes from the {id} route value
/// [RequireScope("write:reports:q3", "admin:reports:*")] // either one
/// [RequireScope("agents.read")]                    // exact match
/// </code>
/// </example>
/// <remarks>
/// Patterns are validated when the attribute is constructed (at startup, when endpoints are built); an invalid one
/// throws <see cref="FormatException"/> naming it. <see cref="AuthorizeAttribute.AuthenticationSchemes"/> defaults to
/// <see cref="AgentAuthDefaults.AuthenticationScheme"/>; set it when the scheme is registered under another name.
/// MVC's global <c>AuthorizeFilter</c> (without endpoint routing) does not see the scope requirement; use endpoint routing
/// or a policy built with <c>RequireScope</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequireScopeAttribute : AuthorizeAttribute, IAuthorizationRequirementData
{
    private readonly IAuthorizationRequirement[] _requirements;

    /// <summary>Requires any one of <paramref name="scopes"/>.</summary>
    /// <param name="scopes">One or more scope patterns, for example <c>read:data:*</c> or <c>read:data:{id}</c>.</param>
    /// <exception cref="FormatException">A pattern is invalid; the message names it.</exception>
    public RequireScopeAttribute(params string[] scopes)
    {
        Requirement = new ScopeRequirement(scopes);
        _requirements = [Requirement];
        AuthenticationSchemes = AgentAuthDefaults.AuthenticationScheme;
    }

    /// <summary>The accepted scope patterns as written (any one suffices).</summary>
    public IReadOnlyList<string> Scopes => Requirement.Scopes;

    /// <summary>The compiled requirement this attribute contributes.</summary>
    public ScopeRequirement Requirement { get; }

    /// <inheritdoc/>
    public IEnumerable<IAuthorizationRequirement> GetRequirements() => _requirements;
}
