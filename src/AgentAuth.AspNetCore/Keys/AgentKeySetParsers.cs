using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>The parsers of agent key sets (keys that sign HTTP requests).</summary>
internal static class AgentKeySetParsers
{
    /// <summary>For remote key directories: public keys only.</summary>
    public static JwkKeySetParser<SignatureKey> Remote { get; } = new(Create, allowSecretKeys: false);

    /// <summary>For configured (inline or file) keys, which may also hold <c>oct</c> secrets for <c>hmac-sha256</c>.</summary>
    public static JwkKeySetParser<SignatureKey> Static { get; } = new(Create, allowSecretKeys: true);

    private static SignatureKey? Create(Jwk jwk, out string? thumbprint, out string? error)
    {
        // The JWK's kty/crv (and alg, required for RSA) decide the algorithm; RFC 9421 signatures cannot name it.
        if (!SignatureKey.TryCreate(jwk, out var key, out error))
        {
            thumbprint = null;
            return null;
        }
        thumbprint = key!.Thumbprint;
        return key;
    }
}
