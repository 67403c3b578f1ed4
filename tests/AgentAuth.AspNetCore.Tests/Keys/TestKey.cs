using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AgentAuth.AspNetCore.Tests.Keys;

/// <summary>A stand-in key for cache mechanics tests: only its identity matters.</summary>
internal sealed record TestKey(string KeyId, string Material);

/// <summary>Parses <c>{"keys":[{"kid":"…","x":"…"}]}</c> into <see cref="TestKey"/>s, enforcing the key limit.</summary>
internal sealed class TestKeyParser : IKeySetParser<TestKey>
{
    public bool TryParse(ReadOnlySpan<byte> utf8Json, int maxKeys, [NotNullWhen(true)] out KeySet<TestKey>? keys, [NotNullWhen(false)] out string? error)
    {
        keys = null;
        try
        {
            using var doc = JsonDocument.Parse(utf8Json.ToArray());
            if (!doc.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                error = "no keys array";
                return false;
            }
            if (array.GetArrayLength() > maxKeys)
            {
                error = "too many keys";
                return false;
            }
            var entries = new List<KeySetEntry<TestKey>>();
            foreach (var jwk in array.EnumerateArray())
            {
                var kid = jwk.GetProperty("kid").GetString()!;
                var x = jwk.TryGetProperty("x", out var xe) ? xe.GetString()! : kid;
                entries.Add(new KeySetEntry<TestKey>(kid, "thumb-" + x, new TestKey(kid, x)));
            }
            keys = new KeySet<TestKey>(entries);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            error = "malformed";
            return false;
        }
    }

    public static string Jwks(params string[] kids) =>
        "{\"keys\":[" + string.Join(",", kids.Select(k => "{\"kid\":\"" + k + "\",\"x\":\"" + k + "-x\"}")) + "]}";
}
