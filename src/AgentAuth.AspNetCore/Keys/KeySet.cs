namespace AgentAuth.AspNetCore;

/// <summary>
/// An immutable snapshot of one key set (a JWKS), indexed by <c>kid</c> and, when asked, by RFC 7638 thumbprint.
/// A new fetch builds a new snapshot; readers never see a half-updated set.
/// </summary>
/// <remarks>
/// The indexes are plain <see cref="Dictionary{TKey, TValue}"/>s of positions, never written after construction (so safe
/// for concurrent readers). Not a <c>FrozenDictionary</c>: a key set holds a handful of keys, where freezing buys nothing
/// per lookup, and building a frozen dictionary over the entry struct compiled its whole implementation on the first
/// fetch of every process (about 5 ms of a cold start's first request).
/// </remarks>
internal sealed class KeySet<TKey> where TKey : class
{
    private readonly Dictionary<string, int> _byKeyId;
    private readonly Dictionary<string, int> _byThumbprint;
    private readonly KeySetEntry<TKey>[] _entries;

    public KeySet(IReadOnlyList<KeySetEntry<TKey>> entries, IReadOnlyList<KeySetSkippedEntry>? skipped = null)
    {
        var byKeyId = new Dictionary<string, int>(StringComparer.Ordinal);
        var byThumbprint = new Dictionary<string, int>(StringComparer.Ordinal);
        var all = new TKey[entries.Count];
        _entries = new KeySetEntry<TKey>[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            _entries[i] = entry;
            all[i] = entry.Key;
            // The first key with a given kid wins: a duplicate kid must not silently replace a key.
            if (!string.IsNullOrEmpty(entry.KeyId))
            {
                byKeyId.TryAdd(entry.KeyId, i);
            }
            if (!string.IsNullOrEmpty(entry.Thumbprint))
            {
                byThumbprint.TryAdd(entry.Thumbprint, i);
            }
        }
        _byKeyId = byKeyId;
        _byThumbprint = byThumbprint;
        Keys = all;
        Skipped = skipped ?? [];
    }

    /// <summary>Every key of the set, in document order.</summary>
    public IReadOnlyList<TKey> Keys { get; }

    public int Count => Keys.Count;

    /// <summary>The entries the set was built from, so sets can be merged.</summary>
    public IReadOnlyList<KeySetEntry<TKey>> Entries => _entries;

    /// <summary>The entries of the document that were not loaded, with the reason each.</summary>
    public IReadOnlyList<KeySetSkippedEntry> Skipped { get; }

    public bool ContainsKeyId(string keyId) => _byKeyId.ContainsKey(keyId);

    /// <summary>
    /// Finds a key by <paramref name="keyId"/>. With <paramref name="matchThumbprints"/>, a thumbprint match comes first:
    /// a <c>keyid</c> that is a key's RFC 7638 thumbprint resolves to that key and never to another key whose <c>kid</c>
    /// happens to be the same string. <paramref name="identity"/> is the identifier the key is known by in the set (its
    /// thumbprint or its <c>kid</c>), which is what the principal carries, never the request's text.
    /// </summary>
    public bool TryFind(string keyId, bool matchThumbprints, out TKey key, out string identity)
    {
        if ((matchThumbprints && _byThumbprint.TryGetValue(keyId, out var index)) || _byKeyId.TryGetValue(keyId, out index))
        {
            ref readonly var entry = ref _entries[index];
            key = entry.Key;
            identity = matchThumbprints && string.Equals(entry.Thumbprint, keyId, StringComparison.Ordinal) ? entry.Thumbprint : entry.KeyId!;
            return true;
        }
        key = null!;
        identity = null!;
        return false;
    }

    public bool TryFind(string keyId, bool matchThumbprints, out TKey key) => TryFind(keyId, matchThumbprints, out key, out _);

    /// <summary>Finds a key by RFC 7638 thumbprint only.</summary>
    public bool TryFindByThumbprint(string thumbprint, out TKey key)
    {
        if (_byThumbprint.TryGetValue(thumbprint, out var index))
        {
            key = _entries[index].Key;
            return true;
        }
        key = null!;
        return false;
    }
}
