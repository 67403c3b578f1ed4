using System.Security.Claims;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The identity an AgentAuth scheme issues. It also carries the options of the scheme that authenticated the request,
/// so a later 403 <c>insufficient_scope</c> challenge uses the same <c>realm</c> and <c>error_description</c> policy as
/// that scheme's 401s (<see cref="ScopeChallenge.GetAuthenticatedSchemeOptions"/>) without a per-request
/// <c>HttpContext.Items</c> entry (a feature, a dictionary and its entries on every authenticated request).
/// </summary>
internal sealed class AgentClaimsIdentity : ClaimsIdentity
{
    internal AgentClaimsIdentity(string authenticationType, AgentAuthOptions? schemeOptions)
        : base(authenticationType, AgentAuthClaimTypes.Subject, "roles")
    {
        SchemeOptions = schemeOptions;
    }

    private AgentClaimsIdentity(AgentClaimsIdentity other)
        : base(other)
    {
        SchemeOptions = other.SchemeOptions;
    }

    /// <summary>The options of the scheme that authenticated the request, or <see langword="null"/>.</summary>
    internal AgentAuthOptions? SchemeOptions { get; }

    /// <inheritdoc />
    public override ClaimsIdentity Clone() => new AgentClaimsIdentity(this);
}
