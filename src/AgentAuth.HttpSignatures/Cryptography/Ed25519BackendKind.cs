namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>The Ed25519 implementations available to <see cref="Ed25519Backend"/>.</summary>
public enum Ed25519BackendKind
{
    /// <summary>libsodium (<c>libsodium.so.23</c>) through P/Invoke; allocation-free.</summary>
    Libsodium = 1,

    /// <summary>Portable.BouncyCastle's RFC 8032 implementation with libsodium-equivalent strict pre-checks.</summary>
    BouncyCastle = 2,
}
