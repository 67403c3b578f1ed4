namespace AgentAuth.HttpSignatures;

/// <summary>
/// Why a signature was rejected. Each value maps to a <c>Signature-Error</c> wire code through
/// <see cref="SignatureErrorCodes.ToWireCode"/>.
/// </summary>
public enum SignatureError
{
    /// <summary>No error (a successful result).</summary>
    None = 0,

    /// <summary>The signature headers are incomplete (<c>invalid_request</c>).</summary>
    InvalidRequest,

    /// <summary>The covered components do not satisfy the policy (<c>invalid_input</c>).</summary>
    InvalidInput,

    /// <summary>Malformed signature headers, a missing label, a base that cannot be built, or a bad signature (<c>invalid_signature</c>).</summary>
    InvalidSignature,

    /// <summary>The key cannot be found (<c>unknown_key</c>).</summary>
    UnknownKey,

    /// <summary>The key was found but cannot be used (<c>invalid_key</c>).</summary>
    InvalidKey,

    /// <summary>The algorithm is not allowed, or the <c>alg</c> parameter contradicts the key (<c>unsupported_algorithm</c>).</summary>
    UnsupportedAlgorithm,

    /// <summary><c>created</c> is in the future beyond the allowed clock skew (<c>clock_skew</c>).</summary>
    ClockSkew,

    /// <summary>The signature is older than the allowed window or past its <c>expires</c> (wire code <c>invalid_signature</c>).</summary>
    Expired,
}
