using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.AspNetCore;

/// <summary>Turns a JWKS document into a <see cref="KeySet{TKey}"/>. Never throws on bad input.</summary>
internal interface IKeySetParser<TKey> where TKey : class
{
    /// <summary>Parses <paramref name="utf8Json"/>; a document with more than <paramref name="maxKeys"/> keys is rejected as a whole.</summary>
    bool TryParse(ReadOnlySpan<byte> utf8Json, int maxKeys, [NotNullWhen(true)] out KeySet<TKey>? keys, [NotNullWhen(false)] out string? error);
}
