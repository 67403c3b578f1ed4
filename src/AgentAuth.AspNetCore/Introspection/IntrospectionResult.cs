namespace AgentAuth.AspNetCore;

/// <summary>What an introspection endpoint said about one token, after the scheme's own checks of the answer.</summary>
internal sealed class IntrospectionResult
{
    private IntrospectionResult(IntrospectionStatus status, string? reason, TokenClaimSet? claims, ConfirmationClaim? confirmation, DateTimeOffset? expires, string? jti)
    {
        // The raw answer is attached by the introspector (for the shared cache), never parsed from it again here.
        Status = status;
        Reason = reason;
        Claims = claims;
        Confirmation = confirmation;
        Expires = expires;
        Jti = jti;
    }

    public IntrospectionStatus Status { get; }

    /// <summary>Why the token is inactive or why no answer was obtained; safe to log and to send as a description (never the token).</summary>
    public string? Reason { get; }

    /// <summary>The active token's claims, mapped as a JWT payload is.</summary>
    public TokenClaimSet? Claims { get; }

    /// <summary>The active token's <c>cnf</c>, when it is key-bound.</summary>
    public ConfirmationClaim? Confirmation { get; }

    /// <summary>The active token's <c>exp</c>, when the answer has one.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>The active token's <c>jti</c>, when the answer has one.</summary>
    public string? Jti { get; }

    /// <summary>The endpoint's answer as received, kept only to share it through <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>.</summary>
    public byte[]? Answer { get; set; }

    public static IntrospectionResult Active(TokenClaimSet claims, ConfirmationClaim? confirmation, DateTimeOffset? expires, string? jti) =>
        new(IntrospectionStatus.Active, null, claims, confirmation, expires, jti);

    public static IntrospectionResult Inactive(string reason) => new(IntrospectionStatus.Inactive, reason, null, null, null, null);

    public static IntrospectionResult Unavailable(string reason) => new(IntrospectionStatus.Unavailable, reason, null, null, null, null);
}

internal enum IntrospectionStatus
{
    Active,
    Inactive,
    Unavailable,
}
