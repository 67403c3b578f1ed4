using System.Collections.Frozen;

namespace AgentAuth.AspNetCore;

/// <summary>
/// An immutable snapshot of one key set (a JWKS), indexed by <c>kid</c> and, when asked, by RFC 7638 thumbprint.
/// A new fetch builds a new snapshot; readers never see a half-updated set.
/// </summary>
internal sealed class KeySet<TKey> where TKey : class
{
    private readonly FrozenDictionary<string, TKey> _byKeyId;
    private readonly FrozenDictionary<string, TKey> _byThumbprint;
    private readonly KeySetEntry<TKey>[] _entries;

    public KeySet(IReadOnlyList<KeySetEntry<TKey>> entries)
    {
        var byKeyId = new Dictionary<string, TKey>(StringComparer.Ordinal);
        var byThumbprint = new Dictionary<string, TKey>(StringComparer.Ordinal);
        var all = new TKey[entries.Count];
        _entries = entries.ToArray();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            all[i] = entry.Key;
            // The first key with a given kid wins: a duplicate kid must not silently replace a key.
            if (!string.IsNullOrEmpty(entry.KeyId))
            {
                byKeyId.TryAdd(entry.KeyId, entry.Key);
            }
            if (!string.IsNullOrEmpty(entry.Thumbprint))
            {
                byThumbprint.TryAdd(entry.Thumbprint, entry.Key);
            }
        }
        _byKeyId = byKeyId.ToFrozenDictionary(StringComparer.Ordinal);
        _byThumbprint = byThumbprint.ToFrozenDictionary(StringComparer.Ordinal);
        Keys = all;
    }

    /// <summary>Every key of the set, in document order.</summary>
    public IReadOnlyList<TKey> Keys { get; }

    public int Count => Keys.Count;

    /// <summary>The entries the set was built from, so sets can be merged.</summary>
    public IReadOnlyList<KeySetEntry<TKey>> Entries => _entries;

    public bool ContainsKeyId(string keyId) => _byKeyId.ContainsKey(keyId);

    public bool TryFind(string keyId, bool matchThumbprints, out TKey key)
    {
        if (_byKeyId.TryGetValue(keyId, out key!))
        {
            return true;
        }
        return matchThumbprints && _byThumbprint.TryGetValue(keyId, out key!);
    }
}
