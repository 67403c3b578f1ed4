using System.Text.Json;
using AgentAuth.HttpSignatures;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>Loads the RFC 9421 conformance files from ../shared/conformance/rfc9421.</summary>
internal static class ConformanceData
{
    public static IReadOnlyList<JsonElement> Vectors => s_vectors.Value;

    public static IReadOnlyList<JsonElement> ComponentCases => s_components.Value;

    public static JsonElement ComponentExtras => s_extras.Value;

    private static readonly Lazy<IReadOnlyList<JsonElement>> s_vectors = new(() =>
        ConformanceFiles.ReadJson("rfc9421/vectors.json").RootElement.EnumerateArray().Select(e => e.Clone()).ToList());

    private static readonly Lazy<JsonElement> s_componentRoot = new(() =>
        ConformanceFiles.ReadJson("rfc9421/component-values.json").RootElement.Clone());

    private static readonly Lazy<IReadOnlyList<JsonElement>> s_components = new(() =>
        s_componentRoot.Value.GetProperty("cases").EnumerateArray().ToList());

    private static readonly Lazy<JsonElement> s_extras = new(() => s_componentRoot.Value.GetProperty("extras"));

    public static JsonElement Vector(string id) => Vectors.Single(v => v.GetProperty("id").GetString() == id);

    public static IEnumerable<object[]> VectorIds() => Available ? Vectors.Select(v => new object[] { v.GetProperty("id").GetString()! }) : [new object[] { "missing" }];

    public static bool Available => ConformanceFiles.Root is not null;

    public static string? String(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    /// <summary>Parses a vector's message (and its related request) into a <see cref="RawHttpMessage"/>.</summary>
    public static RawHttpMessage Message(JsonElement vector)
    {
        RawHttpMessage? related = null;
        if (vector.String("related_request") is { } relatedText)
        {
            Assert.True(RawHttpMessage.TryParse(relatedText, vector.String("scheme") ?? "https", null, out related));
        }
        Assert.True(RawHttpMessage.TryParse(vector.String("message")!, vector.String("scheme") ?? "https", related, out var message));
        return message!;
    }

    public static string KeyPath(string file) => ConformanceFiles.PathOf("rfc9421/keys/" + file);
}
