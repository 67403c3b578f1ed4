using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A token's RFC 7800 <c>cnf</c> claim: the key the presenter must prove possession of, as an RFC 9449 <c>jkt</c>
/// thumbprint or an embedded public <c>jwk</c>. Either way <see cref="Thumbprint"/> is the RFC 7638 SHA-256
/// thumbprint to compare with the key that signed the request or the DPoP proof.
/// </summary>
internal sealed class ConfirmationClaim
{
    private ConfirmationClaim(string thumbprint, string? jkt, Jwk? jwk, SignatureKey? key)
    {
        Thumbprint = thumbprint;
        Jkt = jkt;
        Jwk = jwk;
        Key = key;
    }

    /// <summary>The RFC 7638 SHA-256 thumbprint (base64url) of the confirmation key.</summary>
    public string Thumbprint { get; }

    /// <summary>The <c>cnf.jkt</c> value, when the claim used it.</summary>
    public string? Jkt { get; }

    /// <summary>The <c>cnf.jwk</c> public key, when the claim used it (checked: required members, no private members, alg/kty/crv consistent).</summary>
    public Jwk? Jwk { get; }

    /// <summary>The verification key built from <see cref="Jwk"/>, when the claim used it.</summary>
    public SignatureKey? Key { get; }

    public static ConfirmationClaim FromThumbprint(string jkt) => new(jkt, jkt, null, null);

    public static ConfirmationClaim FromJwk(Jwk jwk, SignatureKey key) => new(key.Thumbprint, null, jwk, key);
}
