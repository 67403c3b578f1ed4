using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures;

/// <summary>The outcome of <see cref="ISignatureKeyResolver.ResolveAsync"/>: a key, or <c>unknown_key</c> / <c>invalid_key</c> with a reason.</summary>
public readonly struct SignatureKeyResolution
{
    private SignatureKeyResolution(SignatureKey? key, SignatureError error, string? reason)
    {
        Key = key;
        Error = error;
        Reason = reason;
    }

    /// <summary>The resolved key, when <see cref="Error"/> is <see cref="SignatureError.None"/>.</summary>
    public SignatureKey? Key { get; }

    /// <summary><see cref="SignatureError.None"/>, <see cref="SignatureError.UnknownKey"/> or <see cref="SignatureError.InvalidKey"/>.</summary>
    public SignatureError Error { get; }

    /// <summary>A short reason for a failure.</summary>
    public string? Reason { get; }

    /// <summary>The key was found.</summary>
    /// <param name="key">The verification key.</param>
    public static SignatureKeyResolution Resolved(SignatureKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key, SignatureError.None, null);
    }

    /// <summary>No key is known for the signature.</summary>
    /// <param name="reason">Why, briefly.</param>
    public static SignatureKeyResolution Unknown(string reason) => new(null, SignatureError.UnknownKey, reason);

    /// <summary>A key was found but must not be used.</summary>
    /// <param name="reason">Why, briefly.</param>
    public static SignatureKeyResolution Invalid(string reason) => new(null, SignatureError.InvalidKey, reason);
}
