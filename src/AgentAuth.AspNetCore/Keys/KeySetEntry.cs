namespace AgentAuth.AspNetCore;

/// <summary>One parsed key of a key set with the identifiers it can be found by.</summary>
/// <param name="KeyId">The JWK <c>kid</c>, when present.</param>
/// <param name="Thumbprint">The RFC 7638 SHA-256 thumbprint (base64url).</param>
/// <param name="Key">The parsed key.</param>
internal readonly record struct KeySetEntry<TKey>(string? KeyId, string Thumbprint, TKey Key) where TKey : class;
