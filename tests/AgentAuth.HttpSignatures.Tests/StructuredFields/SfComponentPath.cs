using System.Text;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

/// <summary>
/// Runs a field value through the <c>sf</c> and <c>key</c> component paths (RFC 9421 §2.1.1, §2.1.2), the code that
/// builds signature base lines, and through the object model (parse, then serialize) for comparison.
/// </summary>
internal static class SfComponentPath
{
    private const string FieldName = "x-sf-under-test";

    private static readonly Dictionary<string, StructuredFieldTypes> s_types = new(StringComparer.Ordinal)
    {
        ["item"] = new([new(FieldName, StructuredFieldType.Item)]),
        ["list"] = new([new(FieldName, StructuredFieldType.List)]),
        ["dictionary"] = new([new(FieldName, StructuredFieldType.Dictionary)]),
    };

    /// <summary>The <c>"name";sf</c> value of a field with these lines, as a <c>header_type</c> of the httpwg suite.</summary>
    public static bool TrySf(string headerType, string[] lines, out string? value, out ComponentError error) =>
        TryWrite(SignatureComponent.Field(FieldName).WithStructuredField(), s_types[headerType], lines, out value, out error);

    /// <summary>The <c>"name";key="key"</c> value of a dictionary field with these lines.</summary>
    public static bool TryKey(string key, string[] lines, out string? value, out ComponentError error) =>
        TryWrite(SignatureComponent.DictionaryMember(FieldName, key), s_types["dictionary"], lines, out value, out error);

    private static bool TryWrite(SignatureComponent component, StructuredFieldTypes types, string[] lines, out string? value, out ComponentError error)
    {
        var writer = new SignatureBaseWriter(256, 1 << 20);
        try
        {
            var fieldLines = lines.Length == 1 ? new FieldLines(lines[0]) : new FieldLines(lines);
            var ok = StructuredFieldComponent.TryWrite(ref writer, component, fieldLines, types, out error);
            value = ok ? Encoding.ASCII.GetString(writer.Written) : null;
            return ok;
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The object model's canonical serialization of a field value, or null when it does not parse.</summary>
    public static string? ObjectModel(string headerType, string value, out SfDictionary? dictionary)
    {
        dictionary = null;
        string? serialized;
        switch (headerType)
        {
            case "item":
                return StructuredFieldParser.TryParseItem(value, out var item, out _)
                    && StructuredFieldSerializer.TrySerialize(item, out serialized, out _) ? serialized : null;
            case "list":
                return StructuredFieldParser.TryParseList(value, out var list, out _)
                    && StructuredFieldSerializer.TrySerialize(list, out serialized, out _) ? serialized : null;
            default:
                return StructuredFieldParser.TryParseDictionary(value, out dictionary, out _)
                    && StructuredFieldSerializer.TrySerialize(dictionary, out serialized, out _) ? serialized : null;
        }
    }

    /// <summary>The object model's serialization of one dictionary member's value, as the <c>key</c> parameter uses it.</summary>
    public static string Member(SfMember member)
    {
        Assert.True(StructuredFieldSerializer.TrySerialize(new SfList().Add(member), out var text, out var error), error);
        return text;
    }
}
