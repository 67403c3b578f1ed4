namespace AgentAuth.HttpSignatures;

/// <summary>Signature parameters for <see cref="HttpMessageSigner"/> (RFC 9421 §2.3). Unset values are omitted.</summary>
public sealed class SignatureParameters
{
    /// <summary>The <c>created</c> time; when null the signer uses its clock unless <see cref="OmitCreated"/> is set.</summary>
    public DateTimeOffset? Created { get; set; }

    /// <summary>Leave <c>created</c> out entirely (not recommended; most verifiers require it).</summary>
    public bool OmitCreated { get; set; }

    /// <summary>The <c>expires</c> time.</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>The <c>nonce</c>.</summary>
    public string? Nonce { get; set; }

    /// <summary>Whether to send the <c>alg</c> parameter (the key's algorithm).</summary>
    public bool IncludeAlgorithm { get; set; }

    /// <summary>The <c>keyid</c>; when null, the key's <see cref="Cryptography.SignatureKey.KeyId"/> is used if it has one.</summary>
    public string? KeyId { get; set; }

    /// <summary>Leave <c>keyid</c> out even when the key has one.</summary>
    public bool OmitKeyId { get; set; }

    /// <summary>The <c>tag</c>.</summary>
    public string? Tag { get; set; }
}
