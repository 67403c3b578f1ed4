namespace AgentAuth.AspNetCore;

/// <summary>
/// The keys of one trust anchor (an issuer, or the agent key directory): static keys parsed once at startup,
/// plus at most one cached remote key set. Static keys are looked up first.
/// </summary>
internal sealed class KeySourceGroup<TKey> where TKey : class
{
    private const string UnknownKeyReason = "no trusted key has this key id";

    private readonly KeySet<TKey>? _static;
    private readonly JwksCache<TKey>? _remote;
    private readonly bool _matchThumbprints;

    public KeySourceGroup(KeySet<TKey>? staticKeys, JwksCache<TKey>? remote, bool matchThumbprints)
    {
        _static = staticKeys;
        _remote = remote;
        _matchThumbprints = matchThumbprints;
    }

    public JwksCache<TKey>? Remote => _remote;

    public ValueTask<KeySetLookup<TKey>> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        if (_static is not null && _static.TryFind(keyId, _matchThumbprints, out var key, out var identity) && !ShadowsRemoteThumbprint(keyId))
        {
            return new(KeySetLookup<TKey>.Found(key, identity));
        }
        if (_remote is null)
        {
            return new(KeySetLookup<TKey>.Unknown(UnknownKeyReason));
        }
        return _remote.FindAsync(keyId, _matchThumbprints, cancellationToken);
    }

    /// <summary>Finds a key among what is already loaded, without any I/O (for IdentityModel's synchronous key resolver).</summary>
    public bool TryFindLoaded(string keyId, out TKey key)
    {
        if (_static is not null && _static.TryFind(keyId, _matchThumbprints, out key) && !ShadowsRemoteThumbprint(keyId))
        {
            return true;
        }
        var current = _remote?.Current;
        if (current is not null && current.TryFind(keyId, _matchThumbprints, out key))
        {
            return true;
        }
        key = null!;
        return false;
    }

    /// <summary>Makes sure the remote keys are loaded (for tokens without <c>kid</c>); returns a reason when they are unavailable.</summary>
    public async ValueTask<string?> EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_remote is null)
        {
            return null;
        }
        var (keys, reason) = await _remote.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        // Static keys alone are enough to answer.
        return keys is null && _static is null ? reason : null;
    }

    /// <summary>Every loaded key: static first, then the current remote set.</summary>
    public List<TKey> LoadedKeys()
    {
        var list = new List<TKey>();
        if (_static is not null)
        {
            list.AddRange(_static.Keys);
        }
        if (_remote?.Current is { } current)
        {
            list.AddRange(current.Keys);
        }
        return list;
    }

    /// <summary>
    /// A thumbprint names one key in every source: when a configured key matched <paramref name="keyId"/> only by its
    /// <c>kid</c> and the loaded remote set has a key with that thumbprint, the remote key is the one meant (the lookup
    /// goes on to the remote set, which matches thumbprints first), as inside one set (see <see cref="KeySet{TKey}.TryFind(string, bool, out TKey, out string)"/>).
    /// </summary>
    private bool ShadowsRemoteThumbprint(string keyId) =>
        _matchThumbprints && _remote?.Current is { } loaded && !_static!.TryFindByThumbprint(keyId, out _) && loaded.TryFindByThumbprint(keyId, out _);
}
