namespace AgentAuth.AspNetCore;

/// <summary>The challenge family a failure is reported in.</summary>
public enum AgentAuthChallengeKind
{
    /// <summary>An RFC 9421 problem: <c>Signature-Error: error=...</c> (plus the <c>WWW-Authenticate</c> challenges of the enabled modes).</summary>
    Signature,

    /// <summary>An RFC 6750 token problem: <c>WWW-Authenticate: Bearer error="..."</c>.</summary>
    Bearer,

    /// <summary>An RFC 9449 problem: <c>WWW-Authenticate: DPoP error="...", algs="..."</c>.</summary>
    DPoP,
}
