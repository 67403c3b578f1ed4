namespace AgentAuth.AspNetCore;

/// <summary>The outcome of looking a key id up in the configured key sources.</summary>
internal enum KeyLookupStatus
{
    /// <summary>The key was found.</summary>
    Found,

    /// <summary>The sources answered, and none has the key (after at most one throttled refresh).</summary>
    UnknownKey,

    /// <summary>No keys could be obtained (a remote source failed and nothing is cached). Not the client's fault.</summary>
    Unavailable,
}
