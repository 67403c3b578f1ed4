namespace AgentAuth.HttpSignatures.Keys;

/// <summary>A member of a JWK Set that was not loaded, and why.</summary>
/// <param name="Index">The zero-based position in the <c>keys</c> array.</param>
/// <param name="KeyId">The entry's <c>kid</c> when it had a string one.</param>
/// <param name="Reason">A short reason (never key material).</param>
public sealed record JwkSetSkippedKey(int Index, string? KeyId, string Reason);
