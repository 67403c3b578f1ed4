using System.Text.Json;

namespace AgentAuth.HttpSignatures.Keys;

/// <summary>
/// A parsed JWK Set (RFC 7517 §5). Entries that are not usable signature keys (encryption curves, unknown key
/// types, malformed members) are skipped and listed in <see cref="Skipped"/>, so one odd key in an issuer's
/// JWKS does not block the others.
/// </summary>
public sealed class JwkSet
{
    private JwkSet(IReadOnlyList<Jwk> keys, IReadOnlyList<JwkSetSkippedKey> skipped)
    {
        Keys = keys;
        Skipped = skipped;
    }

    /// <summary>The keys that parsed and validated, in document order.</summary>
    public IReadOnlyList<Jwk> Keys { get; }

    /// <summary>The entries that were skipped, with a reason each.</summary>
    public IReadOnlyList<JwkSetSkippedKey> Skipped { get; }

    /// <summary>Parses a JWK Set. Never throws for bad input.</summary>
    /// <param name="utf8Json">The JSON document: an object with a <c>keys</c> array.</param>
    /// <param name="maxKeys">The largest number of entries accepted in <c>keys</c>; a larger set fails.</param>
    /// <param name="set">The set when parsing succeeded.</param>
    /// <param name="error">A short reason when the document as a whole was refused.</param>
    /// <returns><see langword="true"/> when <paramref name="set"/> is set (possibly with skipped entries).</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, int maxKeys, out JwkSet? set, out string? error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxKeys);
        set = null;
        if (!Jwk.TryParseDocument(utf8Json, out var document, out error))
        {
            return false;
        }
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "a JWK Set must be a JSON object";
                return false;
            }
            if (!root.TryGetProperty("keys", out var keysElement) || keysElement.ValueKind != JsonValueKind.Array)
            {
                error = "a JWK Set needs a 'keys' array";
                return false;
            }
            var count = keysElement.GetArrayLength();
            if (count > maxKeys)
            {
                error = "the JWK Set has " + count + " keys, more than the limit of " + maxKeys;
                return false;
            }

            var keys = new List<Jwk>(count);
            var skipped = new List<JwkSetSkippedKey>();
            var index = 0;
            foreach (var entry in keysElement.EnumerateArray())
            {
                if (Jwk.TryParse(entry, out var jwk, out var reason))
                {
                    keys.Add(jwk!);
                }
                else
                {
                    string? kid = null;
                    if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("kid", out var kidElement)
                        && kidElement.ValueKind == JsonValueKind.String)
                    {
                        kid = kidElement.GetString();
                    }
                    skipped.Add(new JwkSetSkippedKey(index, kid, reason!));
                }
                index++;
            }
            set = new JwkSet(keys, skipped);
            error = null;
            return true;
        }
    }
}
