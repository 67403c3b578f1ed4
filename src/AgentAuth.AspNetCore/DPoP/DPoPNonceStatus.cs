namespace AgentAuth.AspNetCore;

/// <summary>The outcome of checking a proof's <c>nonce</c> against <see cref="DPoPNonceService"/>.</summary>
internal enum DPoPNonceStatus
{
    /// <summary>Issued by this server and within its lifetime.</summary>
    Valid,

    /// <summary>The proof carries no <c>nonce</c>.</summary>
    Missing,

    /// <summary>Not a nonce this server issued (forged, altered, or protected under another key ring).</summary>
    Invalid,

    /// <summary>Issued by this server but older than the nonce lifetime, or dated in the future beyond the clock skew.</summary>
    Stale,
}
