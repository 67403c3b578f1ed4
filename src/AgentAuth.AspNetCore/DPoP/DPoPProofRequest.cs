using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore;

/// <summary>What <see cref="DPoPProofValidator"/> checks a proof against: the request as the client addressed it, and its access token.</summary>
internal readonly struct DPoPProofRequest
{
    /// <summary>The request method, compared case-sensitively with <c>htm</c>.</summary>
    public required string Method { get; init; }

    /// <summary>
    /// The public origin the client called, <c>scheme://host[:port]</c> (from configuration or trusted forwarded
    /// headers, never the internal address behind a proxy).
    /// </summary>
    public required string PublicOrigin { get; init; }

    /// <summary>The raw origin-form request target (path and optional query, still percent-encoded, including any path base).</summary>
    public required string RawTarget { get; init; }

    /// <summary>The access token from <c>Authorization: DPoP</c>; the proof's <c>ath</c> must hash it.</summary>
    public required string AccessToken { get; init; }

    /// <summary>Every value of the <c>DPoP</c> request header; exactly one is allowed.</summary>
    public required StringValues ProofHeaderValues { get; init; }

    /// <summary>
    /// The token's <c>cnf.jkt</c> when the token was validated first. Checked before the <c>jti</c> is recorded, so a
    /// proof under the wrong key does not burn its <c>jti</c> (compared by <see cref="Confirmation.ThumbprintEquals"/>).
    /// <see langword="null"/> skips the binding check (the caller then compares the result's thumbprint itself).
    /// </summary>
    public string? ExpectedThumbprint { get; init; }
}
