using System.Diagnostics.CodeAnalysis;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Parses a JWKS with the core <see cref="JwkSet"/> and turns each usable entry into a <typeparamref name="TKey"/>.
/// Entries that are not usable (encryption keys, unknown types, private members, shared secrets where they are not
/// allowed) are skipped; a document with no usable key at all is refused, so it can never replace good keys.
/// </summary>
internal sealed class JwkKeySetParser<TKey> : IKeySetParser<TKey> where TKey : class
{
    public delegate TKey? KeyFactory(Jwk jwk, out string? thumbprint, out string? error);

    private readonly KeyFactory _factory;
    private readonly bool _allowSecretKeys;

    public JwkKeySetParser(KeyFactory factory, bool allowSecretKeys)
    {
        _factory = factory;
        _allowSecretKeys = allowSecretKeys;
    }

    public bool TryParse(ReadOnlySpan<byte> utf8Json, int maxKeys, [NotNullWhen(true)] out KeySet<TKey>? keys, [NotNullWhen(false)] out string? error)
    {
        keys = null;
        if (!JwkSet.TryParse(utf8Json, maxKeys, out var set, out error))
        {
            error ??= "the JWK Set is malformed";
            return false;
        }
        var entries = new List<KeySetEntry<TKey>>(set!.Keys.Count);
        foreach (var jwk in set.Keys)
        {
            // A private key in a key set is a configuration accident: never use it. Shared secrets (oct) are only
            // taken from configured agent keys, never from a remote set or for tokens.
            var isSecret = jwk.KeyType == "oct";
            if (isSecret ? !_allowSecretKeys : !jwk.IsPublicOnly)
            {
                continue;
            }
            var key = _factory(jwk, out var thumbprint, out _);
            if (key is not null)
            {
                entries.Add(new KeySetEntry<TKey>(jwk.KeyId, thumbprint ?? string.Empty, key));
            }
        }
        if (entries.Count == 0)
        {
            error = "the JWK Set has no usable signature key";
            return false;
        }
        keys = new KeySet<TKey>(entries);
        error = null;
        return true;
    }
}
