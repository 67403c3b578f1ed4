using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore;

/// <summary>The error codes the scheme sends (the RFC 9421 ones are the core's <see cref="SignatureErrorCodes"/>). Each is documented in <c>docs/errors.md</c> with its status and headers.</summary>
public static class AgentAuthErrors
{
    /// <summary>Malformed or contradictory credentials (400).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>A token that is malformed, expired, for another audience, from an untrusted issuer, or not bound as required (401).</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>The token lacks a scope the endpoint requires (403).</summary>
    public const string InsufficientScope = "insufficient_scope";

    /// <summary>The signature covers less than the policy requires (401, with <c>required_input</c>).</summary>
    public const string InvalidInput = SignatureErrorCodes.InvalidInput;

    /// <summary>A signature that is malformed, stale, replayed, does not verify, or whose body digest does not match (401).</summary>
    public const string InvalidSignature = SignatureErrorCodes.InvalidSignature;

    /// <summary>The signature's <c>keyid</c> names no trusted key (401).</summary>
    public const string UnknownKey = SignatureErrorCodes.UnknownKey;

    /// <summary>The key exists but cannot be used (wrong type, private members, untrusted) (401).</summary>
    public const string InvalidKey = SignatureErrorCodes.InvalidKey;

    /// <summary>The algorithm is not accepted, or the <c>alg</c> parameter contradicts the key (401).</summary>
    public const string UnsupportedAlgorithm = SignatureErrorCodes.UnsupportedAlgorithm;

    /// <summary><c>created</c> lies in the future beyond the allowed skew (401).</summary>
    public const string ClockSkew = SignatureErrorCodes.ClockSkew;

    /// <summary>AAuth: the <c>Signature-Key</c> scheme is unknown or not enabled (401, with <c>Accept-Signature-Scheme</c>; draft-hardt-httpbis-signature-key-08 §5.4.2).</summary>
    public const string UnsupportedScheme = "unsupported_scheme";

    /// <summary>AAuth: the JWT in <c>Signature-Key</c> is malformed, untrusted or does not verify (401; §5.4.11).</summary>
    public const string InvalidJwt = "invalid_jwt";

    /// <summary>AAuth: the JWT in <c>Signature-Key</c> has expired (401; §5.4.12).</summary>
    public const string ExpiredJwt = "expired_jwt";

    /// <summary>AAuth: the metadata document of a <c>jwks_uri</c> key has no <c>issuer</c> (401; §5.4.9).</summary>
    public const string IssuerMissing = "issuer_missing";

    /// <summary>AAuth: the metadata document's <c>issuer</c> is not the identity it was fetched under (401; §5.4.10).</summary>
    public const string IssuerMismatch = "issuer_mismatch";

    /// <summary>A DPoP proof problem (401).</summary>
    public const string InvalidDPoPProof = "invalid_dpop_proof";

    /// <summary>The DPoP proof needs the server nonce sent in <c>DPoP-Nonce</c> (401).</summary>
    public const string UseDPoPNonce = "use_dpop_nonce";

    /// <summary>The replay store could not be reached; the request was not accepted unchecked (503).</summary>
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    /// <summary>The signing or proof key holds its quota of unexpired single-use values in the replay cache (429, with <c>Retry-After</c>).</summary>
    public const string ReplayQuotaExceeded = "replay_quota_exceeded";

    /// <summary>The request body is larger than the scheme will buffer to verify its digest (413).</summary>
    public const string BodyTooLarge = "body_too_large";
}
