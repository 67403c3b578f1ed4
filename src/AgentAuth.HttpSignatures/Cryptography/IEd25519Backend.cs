namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// One Ed25519 implementation. Every backend applies the same strict acceptance rules (those of libsodium 1.0.18):
/// canonical, non-small-order public key; non-small-order R; S &lt; L; cofactorless equation.
/// </summary>
internal interface IEd25519Backend
{
    Ed25519BackendKind Kind { get; }

    /// <summary>Verifies a 64-byte signature; never throws for malformed input.</summary>
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    /// <summary>Signs with a 64-byte secret key (seed || public key) into a 64-byte destination.</summary>
    void Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> message, Span<byte> signature);

    /// <summary>Derives the 32-byte public key from a 32-byte seed.</summary>
    void DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey);
}
