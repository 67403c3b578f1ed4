using Microsoft.AspNetCore.Authorization;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Recorded when an AgentAuth-authenticated caller lacks the scope a <see cref="ScopeRequirement"/> needs; the
/// 403 writer looks for it to answer with <c>insufficient_scope</c>.
/// </summary>
internal sealed class ScopeAuthorizationFailureReason(IAuthorizationHandler handler, ScopeRequirement requirement, string message)
    : AuthorizationFailureReason(handler, message)
{
    public ScopeRequirement Requirement { get; } = requirement;
}
