using System.Text.Json;

namespace AgentAuth.AspNetCore.Mcp;

/// <summary>
/// Tool and prompt arguments as scope placeholder values. Only JSON strings and numbers become values (a number by its
/// JSON text); an object, array, boolean or null is left out, so a placeholder naming it fails closed.
/// </summary>
internal static class McpArguments
{
    internal static readonly IReadOnlyDictionary<string, object?> None = new Dictionary<string, object?>(StringComparer.Ordinal);

    internal static IReadOnlyDictionary<string, object?> ToPlaceholderValues(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return None;
        }
        var values = new Dictionary<string, object?>(arguments.Count, StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
        {
            if (TryGetValue(value, out var text))
            {
                values[name] = text;
            }
        }
        return values;
    }

    internal static IReadOnlyDictionary<string, object?> ToPlaceholderValues(JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return None;
        }
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in arguments.EnumerateObject())
        {
            if (TryGetValue(property.Value, out var text))
            {
                // A repeated name: the last one wins, as System.Text.Json deserialization of the SDK's arguments does.
                values[property.Name] = text;
            }
        }
        return values;
    }

    private static bool TryGetValue(JsonElement value, out string? text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text = value.GetString();
                return true;
            case JsonValueKind.Number:
                text = value.GetRawText();
                return true;
            default:
                text = null;
                return false;
        }
    }
}
