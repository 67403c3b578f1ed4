namespace AgentAuth.HttpSignatures;

/// <summary>The <c>Signature-Error</c> wire codes for <see cref="SignatureError"/> values.</summary>
public static class SignatureErrorCodes
{
    /// <summary><c>invalid_request</c>.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary><c>invalid_input</c>.</summary>
    public const string InvalidInput = "invalid_input";

    /// <summary><c>invalid_signature</c>.</summary>
    public const string InvalidSignature = "invalid_signature";

    /// <summary><c>unknown_key</c>.</summary>
    public const string UnknownKey = "unknown_key";

    /// <summary><c>invalid_key</c>.</summary>
    public const string InvalidKey = "invalid_key";

    /// <summary><c>unsupported_algorithm</c>.</summary>
    public const string UnsupportedAlgorithm = "unsupported_algorithm";

    /// <summary><c>clock_skew</c>.</summary>
    public const string ClockSkew = "clock_skew";

    /// <summary>The wire code of <paramref name="error"/>; <see cref="SignatureError.Expired"/> is reported as <c>invalid_signature</c>.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The code, or <see langword="null"/> for <see cref="SignatureError.None"/>.</returns>
    public static string? ToWireCode(this SignatureError error) => error switch
    {
        SignatureError.None => null,
        SignatureError.InvalidRequest => InvalidRequest,
        SignatureError.InvalidInput => InvalidInput,
        SignatureError.UnknownKey => UnknownKey,
        SignatureError.InvalidKey => InvalidKey,
        SignatureError.UnsupportedAlgorithm => UnsupportedAlgorithm,
        SignatureError.ClockSkew => ClockSkew,
        _ => InvalidSignature,
    };
}
