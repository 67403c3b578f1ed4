using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// An issuer signing key as IdentityModel sees it: a <see cref="SignatureKey"/> (Ed25519, ECDSA or RSA) behind an
/// <see cref="AsymmetricSecurityKey"/>, verified through <see cref="AgentCryptoProvider"/>. Microsoft.IdentityModel
/// has no Ed25519 (<c>JsonWebKeySet.GetSigningKeys</c> drops OKP keys), so Ed25519 needs this path anyway; EC and RSA
/// keys use it too, so every token signature goes through the same strict core primitives (P1363 ECDSA, PSS salt =
/// hash length, RSA ≥ 2048 bits) with no second key conversion and no IdentityModel provider cache per key.
/// An RSA JWK without <c>alg</c> yields a PKCS#1 and a PSS variant; the token's <c>alg</c> picks one.
/// </summary>
internal sealed class SignatureKeySecurityKey : AsymmetricSecurityKey
{
    private readonly SignatureKey[] _variants;
    private readonly SignatureKeySignatureProvider?[] _providers;

    public SignatureKeySecurityKey(params SignatureKey[] variants)
    {
        ArgumentOutOfRangeException.ThrowIfZero(variants.Length);
        _variants = variants;
        _providers = new SignatureKeySignatureProvider?[variants.Length];
        KeyId = variants[0].KeyId;
        Thumbprint = variants[0].Thumbprint;
        CryptoProviderFactory = AgentCryptoProvider.Factory;
        AsArray = [this];
    }

    private long _verificationCount;

    /// <summary>How many signatures were verified with this key (lets tests prove that a cache hit skipped verification).</summary>
    public long VerificationCount => Interlocked.Read(ref _verificationCount);

    internal void CountVerification() => Interlocked.Increment(ref _verificationCount);

    /// <summary>The RFC 7638 thumbprint of the public key.</summary>
    public string Thumbprint { get; }

    /// <summary>This key as a one-element array, so the key resolver allocates nothing per token.</summary>
    public SecurityKey[] AsArray { get; }

    /// <summary>The key that verifies <paramref name="algorithm"/>, if any.</summary>
    public SignatureKey? ForAlgorithm(string? algorithm)
    {
        foreach (var variant in _variants)
        {
            if (variant.SupportsJoseAlgorithm(algorithm))
            {
                return variant;
            }
        }
        return null;
    }

    /// <summary>A verification provider for <paramref name="algorithm"/>, created once per key and algorithm family and reused.</summary>
    public SignatureKeySignatureProvider? ProviderFor(string algorithm)
    {
        for (var i = 0; i < _variants.Length; i++)
        {
            if (_variants[i].SupportsJoseAlgorithm(algorithm))
            {
                var provider = Volatile.Read(ref _providers[i]);
                if (provider is null || !string.Equals(provider.Algorithm, algorithm, StringComparison.Ordinal))
                {
                    provider = new SignatureKeySignatureProvider(this, _variants[i], algorithm);
                    Volatile.Write(ref _providers[i], provider);
                }
                return provider;
            }
        }
        return null;
    }

    public override int KeySize => _variants[0].SignatureSize * 8;

    [Obsolete("HasPrivateKey is obsolete in IdentityModel; use PrivateKeyStatus.")]
    public override bool HasPrivateKey => false;

    /// <summary>Verification keys only: the private part, if the SignatureKey has one, is never used here.</summary>
    public override PrivateKeyStatus PrivateKeyStatus => PrivateKeyStatus.DoesNotExist;

    public override bool CanComputeJwkThumbprint() => true;

    public override byte[] ComputeJwkThumbprint() => Base64UrlEncoder.DecodeBytes(Thumbprint);
}
