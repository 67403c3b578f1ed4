using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>Parses an issuer's JWKS into <see cref="SignatureKeySecurityKey"/>s (public keys only; never <c>oct</c>).</summary>
internal static class IssuerKeySetParser
{
    public static JwkKeySetParser<SignatureKeySecurityKey> Instance { get; } = new(Create, allowSecretKeys: false);

    private static SignatureKeySecurityKey? Create(Jwk jwk, out string? thumbprint, out string? error)
    {
        thumbprint = null;
        if (jwk.KeyType == "RSA" && jwk.Algorithm is null)
        {
            // Many issuers publish RSA keys without alg; the token's alg then chooses PKCS#1 v1.5 or PSS.
            if (!SignatureKey.TryCreate(jwk, HttpSignatureAlgorithms.RsaV15Sha256, out var pkcs1, out error)
                || !SignatureKey.TryCreate(jwk, HttpSignatureAlgorithms.RsaPssSha512, out var pss, out error))
            {
                return null;
            }
            thumbprint = pkcs1!.Thumbprint;
            return new SignatureKeySecurityKey(pkcs1, pss!);
        }
        if (!SignatureKey.TryCreate(jwk, out var key, out error))
        {
            return null;
        }
        thumbprint = key!.Thumbprint;
        return new SignatureKeySecurityKey(key);
    }
}
