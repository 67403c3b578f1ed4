using System.Diagnostics.CodeAnalysis;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Parses a JWKS with the core <see cref="JwkSet"/> and turns each usable entry into a <typeparamref name="TKey"/>.
/// Entries that are not usable (malformed members, encryption keys, unknown types, weak or oversized keys, private
/// members, shared secrets where they are not allowed) are skipped and reported in <see cref="KeySet{TKey}.Skipped"/>,
/// so one bad key never takes the others down; a document with no usable key at all is refused, so it can never
/// replace good keys. An entry whose <c>kid</c> is another entry's RFC 7638 thumbprint is skipped too: with thumbprint
/// lookup it would claim that key's identity.
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
        var skipped = new List<KeySetSkippedEntry>(set!.Skipped.Count);
        foreach (var entry in set.Skipped)
        {
            skipped.Add(new KeySetSkippedEntry(entry.Index, entry.KeyId, KeySkipKinds.Invalid, entry.Reason));
        }

        // JwkSet.Keys holds the parsed entries in document order; their positions skip the entries JwkSet refused.
        var candidates = new List<(int Index, KeySetEntry<TKey> Entry)>(set.Keys.Count);
        var index = 0;
        var skippedPosition = 0;
        foreach (var jwk in set.Keys)
        {
            while (skippedPosition < set.Skipped.Count && set.Skipped[skippedPosition].Index == index)
            {
                skippedPosition++;
                index++;
            }
            var position = index++;
            // A private key in a key set is a configuration accident: never use it. Shared secrets (oct) are only
            // taken from configured agent keys, never from a remote set or for tokens.
            var isSecret = jwk.KeyType == "oct";
            if (isSecret ? !_allowSecretKeys : !jwk.IsPublicOnly)
            {
                skipped.Add(new KeySetSkippedEntry(position, jwk.KeyId, KeySkipKinds.PrivateMaterial,
                    isSecret ? "a shared secret (oct) is not accepted from this source" : "the key has private members"));
                continue;
            }
            var key = _factory(jwk, out var thumbprint, out var reason);
            if (key is null)
            {
                skipped.Add(new KeySetSkippedEntry(position, jwk.KeyId, KeySkipKinds.Invalid, reason ?? "the key cannot be used"));
                continue;
            }
            candidates.Add((position, new KeySetEntry<TKey>(jwk.KeyId, thumbprint ?? string.Empty, key)));
        }

        var entries = RefuseIdentifierCollisions(candidates, skipped);
        if (entries.Count == 0)
        {
            error = skipped.Count == 0
                ? "the JWK Set has no usable signature key"
                : $"the JWK Set has no usable signature key (entry {skipped[0].Index}: {skipped[0].Reason})";
            return false;
        }
        skipped.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        keys = new KeySet<TKey>(entries, skipped);
        error = null;
        return true;
    }

    /// <summary>
    /// Drops every entry whose <c>kid</c> equals the thumbprint of a different key in the set. The key that owns the
    /// thumbprint stays: a thumbprint names exactly one key (RFC 7638 §1), whereas a <c>kid</c> is whatever the publisher
    /// (or, in an agent directory, the registrant) chose. A <c>kid</c> equal to the key's own thumbprint is fine.
    /// </summary>
    private static List<KeySetEntry<TKey>> RefuseIdentifierCollisions(List<(int Index, KeySetEntry<TKey> Entry)> candidates, List<KeySetSkippedEntry> skipped)
    {
        var thumbprints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, entry) in candidates)
        {
            if (entry.Thumbprint.Length != 0)
            {
                thumbprints.Add(entry.Thumbprint);
            }
        }
        var entries = new List<KeySetEntry<TKey>>(candidates.Count);
        foreach (var (position, entry) in candidates)
        {
            if (entry.KeyId is { Length: > 0 } kid && !string.Equals(kid, entry.Thumbprint, StringComparison.Ordinal) && thumbprints.Contains(kid))
            {
                skipped.Add(new KeySetSkippedEntry(position, kid, KeySkipKinds.IdentifierCollision,
                    "its kid is the RFC 7638 thumbprint of another key in the set"));
                (entry.Key as IDisposable)?.Dispose();
                continue;
            }
            entries.Add(entry);
        }
        return entries;
    }
}
