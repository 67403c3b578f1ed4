using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Finds the public key of an agent that signs requests without a token (signature-only mode) by its <c>keyid</c>,
/// over every configured agent key source: inline JWKS, JWKS file, and the cached key directory URL.
/// </summary>
internal sealed class AgentKeyResolver
{
    private readonly KeySourceGroup<SignatureKey> _keys;

    public AgentKeyResolver(KeySourceFactory factory)
    {
        _keys = factory.CreateAgentKeys();
    }

    /// <summary>Found (the key), unknown key (after at most one throttled refresh), or unavailable with a reason.</summary>
    public async ValueTask<KeyLookupResult> ResolveAsync(string keyId, CancellationToken cancellationToken)
    {
        var lookup = await _keys.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        return new KeyLookupResult(lookup.Status, lookup.Key, lookup.Reason);
    }
}
