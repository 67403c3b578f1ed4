namespace AgentAuth.AspNetCore;

/// <summary>An entry of a JWK Set that was not loaded, and why (never key material).</summary>
/// <param name="Index">The zero-based position in the <c>keys</c> array.</param>
/// <param name="KeyId">The entry's <c>kid</c>, when it had one.</param>
/// <param name="Kind">One of <see cref="KeySkipKinds"/>; the <c>reason</c> tag of <c>agentauth.jwks.keys_skipped</c>.</param>
/// <param name="Reason">A short reason for operators.</param>
internal sealed record KeySetSkippedEntry(int Index, string? KeyId, string Kind, string Reason);

/// <summary>Why an entry of a key set was not loaded.</summary>
internal static class KeySkipKinds
{
    /// <summary>Malformed or unusable for signatures (bad encoding, weak or oversized key, unsupported type or curve).</summary>
    public const string Invalid = "invalid_key";

    /// <summary>Private or secret material where only public keys are accepted.</summary>
    public const string PrivateMaterial = "private_key";

    /// <summary>Its <c>kid</c> is another key's RFC 7638 thumbprint, so it could take that key's identity.</summary>
    public const string IdentifierCollision = "kid_collision";
}
