using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

/// <summary>
/// Maps the HTTP WG structured-field test suite's JSON encoding (README "expected" format, <c>__type</c>
/// objects, base32 binary) to the object model, and describes object-model values as comparable text.
/// </summary>
internal static class SfJson
{
    public static SfItem ToItem(JsonElement e) => new(ToBareItem(e[0]), ToParameters(e[1]));

    public static SfMember ToMember(JsonElement e)
    {
        if (e[0].ValueKind == JsonValueKind.Array)
        {
            var items = new List<SfItem>();
            foreach (var item in e[0].EnumerateArray())
            {
                items.Add(ToItem(item));
            }
            return new SfInnerList(items, ToParameters(e[1]));
        }
        return ToItem(e);
    }

    public static SfList ToList(JsonElement e)
    {
        var list = new SfList();
        foreach (var member in e.EnumerateArray())
        {
            list.Add(ToMember(member));
        }
        return list;
    }

    public static SfDictionary ToDictionary(JsonElement e)
    {
        var dictionary = new SfDictionary();
        foreach (var pair in e.EnumerateArray())
        {
            dictionary.Set(pair[0].GetString()!, ToMember(pair[1]));
        }
        return dictionary;
    }

    public static SfParameters ToParameters(JsonElement e)
    {
        var parameters = new SfParameters();
        foreach (var pair in e.EnumerateArray())
        {
            parameters.Set(pair[0].GetString()!, ToBareItem(pair[1]));
        }
        return parameters;
    }

    public static SfBareItem ToBareItem(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.True:
                return SfBareItem.FromBoolean(true);
            case JsonValueKind.False:
                return SfBareItem.FromBoolean(false);
            case JsonValueKind.String:
                return SfBareItem.FromString(e.GetString()!);
            case JsonValueKind.Number:
                string raw = e.GetRawText();
                if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out long integer))
                {
                    return SfBareItem.FromInteger(integer);
                }
                return SfBareItem.FromDecimal(decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
            case JsonValueKind.Object:
                var value = e.GetProperty("value");
                return e.GetProperty("__type").GetString() switch
                {
                    "token" => SfBareItem.FromToken(value.GetString()!),
                    "binary" => SfBareItem.FromByteSequence(Base32Decode(value.GetString()!)),
                    "date" => SfBareItem.FromDate(value.GetInt64()),
                    "displaystring" => SfBareItem.FromDisplayString(value.GetString()!),
                    var other => throw new InvalidOperationException("unknown __type " + other),
                };
            default:
                throw new InvalidOperationException("unexpected JSON bare item " + e.ValueKind);
        }
    }

    /// <summary>RFC 4648 §6 base32 (the suite's encoding of binary values).</summary>
    public static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0;
        int bits = 0;
        foreach (char c in text.TrimEnd('='))
        {
            int v = alphabet.IndexOf(c);
            if (v < 0)
            {
                throw new FormatException("bad base32 " + text);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. bytes];
    }

    public static string Describe(SfDictionary d)
    {
        var sb = new StringBuilder("{");
        foreach (var (key, member) in d)
        {
            sb.Append(key).Append(": ").Append(Describe(member)).Append(", ");
        }
        return sb.Append('}').ToString();
    }

    public static string Describe(SfList l)
    {
        var sb = new StringBuilder("[");
        foreach (var member in l)
        {
            sb.Append(Describe(member)).Append(", ");
        }
        return sb.Append(']').ToString();
    }

    public static string Describe(SfMember m)
    {
        if (m is SfItem item)
        {
            return Describe(item.BareItem) + Describe(item.Parameters);
        }
        var inner = (SfInnerList)m;
        var sb = new StringBuilder("(");
        foreach (var i in inner.Items)
        {
            sb.Append(Describe(i)).Append(' ');
        }
        return sb.Append(')').Append(Describe(inner.Parameters)).ToString();
    }

    public static string Describe(SfParameters p)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in p)
        {
            sb.Append(';').Append(key).Append('=').Append(Describe(value));
        }
        return sb.ToString();
    }

    public static string Describe(SfBareItem b) => b.Kind switch
    {
        SfItemKind.Integer => "int:" + b.IntegerValue.ToString(CultureInfo.InvariantCulture),
        SfItemKind.Decimal => "dec:" + b.DecimalValue.ToString("0.###############", CultureInfo.InvariantCulture),
        SfItemKind.String => "str:" + JsonSerializer.Serialize(b.StringValue),
        SfItemKind.Token => "tok:" + b.StringValue,
        SfItemKind.ByteSequence => "bin:" + Convert.ToHexString(b.ByteSequenceValue.Span),
        SfItemKind.Boolean => "bool:" + b.BooleanValue,
        SfItemKind.Date => "date:" + b.DateValue.ToString(CultureInfo.InvariantCulture),
        SfItemKind.DisplayString => "dstr:" + JsonSerializer.Serialize(b.StringValue),
        _ => "none",
    };
}
