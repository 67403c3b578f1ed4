namespace AgentAuth.AspNetCore;

/// <summary>
/// Why a request failed to authenticate, in the terms the client receives: status code, error code,
/// description and the challenge family that carries them.
/// </summary>
public sealed record AgentAuthFailure
{
    /// <summary>Creates a failure.</summary>
    /// <param name="statusCode">The HTTP status (400, 401, 413, 429 or 503).</param>
    /// <param name="challenge">The challenge family that reports the error.</param>
    /// <param name="error">The machine-readable error code (see <see cref="AgentAuthErrors"/>).</param>
    /// <param name="description">A short description for the client; never contains a token, signature or secret.</param>
    public AgentAuthFailure(int statusCode, AgentAuthChallengeKind challenge, string error, string description)
    {
        StatusCode = statusCode;
        Challenge = challenge;
        Error = error;
        Description = description;
    }

    /// <summary>The HTTP status code of the response.</summary>
    public int StatusCode { get; }

    /// <summary>Which challenge carries the error: <c>Signature-Error</c>, <c>WWW-Authenticate: Bearer</c> or <c>WWW-Authenticate: DPoP</c>.</summary>
    public AgentAuthChallengeKind Challenge { get; }

    /// <summary>The machine-readable error code.</summary>
    public string Error { get; }

    /// <summary>A short, human-readable description.</summary>
    public string Description { get; }

    /// <summary>For <c>invalid_input</c>: the components the signature must cover, as a serialized structured-field inner list.</summary>
    public string? RequiredInput { get; init; }

    /// <summary>
    /// For an AAuth <c>unsupported_scheme</c>: the accepted <c>Signature-Key</c> schemes, a structured-field list of
    /// tokens sent as <c>Accept-Signature-Scheme</c> (draft-hardt-httpbis-signature-key-08 §4.1, §5.4.2).
    /// </summary>
    public string? AcceptSignatureScheme { get; init; }

    /// <summary>
    /// For an AAuth <c>unsupported_algorithm</c>: the accepted fully specified JOSE algorithms, sent as
    /// <c>Accept-Signature-Alg</c> (draft-hardt-httpbis-signature-key-08 §4.2, §5.4.1).
    /// </summary>
    public string? AcceptSignatureAlg { get; init; }

    /// <summary>A fresh DPoP nonce to send in <c>DPoP-Nonce</c> (for <c>use_dpop_nonce</c>).</summary>
    public string? DPoPNonce { get; init; }

    /// <summary>For 429 and 503 answers: when the client may retry.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
