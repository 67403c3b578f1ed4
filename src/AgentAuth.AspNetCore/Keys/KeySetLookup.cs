namespace AgentAuth.AspNetCore;

/// <summary>The result of finding one key in a key source: the key, or why there is none.</summary>
internal readonly struct KeySetLookup<TKey> where TKey : class
{
    private KeySetLookup(KeyLookupStatus status, TKey? key, string? identity, string? reason)
    {
        Status = status;
        Key = key;
        Identity = identity;
        Reason = reason;
    }

    public KeyLookupStatus Status { get; }

    public TKey? Key { get; }

    /// <summary>The identifier the found key is known by in its set (its thumbprint or its <c>kid</c>).</summary>
    public string? Identity { get; }

    /// <summary>Why the key is unknown or unavailable; safe to show to a client.</summary>
    public string? Reason { get; }

    public static KeySetLookup<TKey> Found(TKey key, string identity) => new(KeyLookupStatus.Found, key, identity, null);

    public static KeySetLookup<TKey> Unknown(string reason) => new(KeyLookupStatus.UnknownKey, null, null, reason);

    public static KeySetLookup<TKey> Unavailable(string reason) => new(KeyLookupStatus.Unavailable, null, null, reason);
}
