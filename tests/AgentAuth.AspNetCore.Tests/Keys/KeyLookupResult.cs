using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>The answer of <see cref="AgentKeyResolver"/>: the key, or why there is none (a reason safe to send to the client).</summary>
internal readonly record struct KeyLookupResult(KeyLookupStatus Status, SignatureKey? Key, string? Reason)
{
    public bool Found => Status == KeyLookupStatus.Found;
}
