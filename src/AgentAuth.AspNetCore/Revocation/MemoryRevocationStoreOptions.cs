namespace AgentAuth.AspNetCore;

/// <summary>Options of the in-memory <see cref="IRevocationStore"/> (the default when no other store is registered).</summary>
public sealed class MemoryRevocationStoreOptions
{
    /// <summary>
    /// The most revocations held at once. At the limit expired entries are dropped first; when none has expired a new
    /// revocation is refused (<see cref="RevocationStoreUnavailableException"/>) rather than a live one forgotten. Default 100 000.
    /// </summary>
    public int SizeLimit { get; set; } = 100_000;
}
