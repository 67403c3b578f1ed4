using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Parses whole structured field values into the object model (RFC 9651 §4.2). Never throws; on failure the
/// error names the reason. Join multiple field lines with <c>", "</c> before parsing.
/// </summary>
internal static class StructuredFieldParser
{
    /// <summary>Parses an item field (§4.2.3).</summary>
    public static bool TryParseItem(ReadOnlySpan<char> value, [NotNullWhen(true)] out SfItem? item, [NotNullWhen(false)] out string? error)
    {
        item = null;
        var reader = new StructuredFieldReader(value);
        if (!reader.TryReadBareItem(out var bare)
            || !TryReadParameters(ref reader, out var parameters)
            || !reader.TryReadEndOfField())
        {
            error = reader.Error ?? "invalid item";
            return false;
        }
        if (!SfBareItem.TryCreate(bare, out var converted))
        {
            error = "invalid item";
            return false;
        }
        item = new SfItem(converted, parameters);
        error = null;
        return true;
    }

    /// <summary>Parses a list field (§4.2.1); an empty value is an empty list.</summary>
    public static bool TryParseList(ReadOnlySpan<char> value, [NotNullWhen(true)] out SfList? list, [NotNullWhen(false)] out string? error)
    {
        list = null;
        var result = new SfList();
        var reader = new StructuredFieldReader(value);
        while (!reader.IsAtEnd)
        {
            if (!TryReadMember(ref reader, out var member) || !reader.TryReadMemberSeparator(out bool end))
            {
                error = reader.Error ?? "invalid list member";
                return false;
            }
            result.Add(member);
            if (end)
            {
                break;
            }
        }
        list = result;
        error = null;
        return true;
    }

    /// <summary>Parses a dictionary field (§4.2.2); an empty value is an empty dictionary. A repeated key keeps its first position and takes the last value.</summary>
    public static bool TryParseDictionary(ReadOnlySpan<char> value, [NotNullWhen(true)] out SfDictionary? dictionary, [NotNullWhen(false)] out string? error)
    {
        dictionary = null;
        var result = new SfDictionary();
        var reader = new StructuredFieldReader(value);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadDictionaryKey(out var key, out bool hasValue))
            {
                error = reader.Error ?? "invalid dictionary key";
                return false;
            }
            SfMember? member;
            if (hasValue)
            {
                if (!TryReadMember(ref reader, out member))
                {
                    error = reader.Error ?? "invalid dictionary member";
                    return false;
                }
            }
            else
            {
                if (!TryReadParameters(ref reader, out var parameters))
                {
                    error = reader.Error ?? "invalid parameters";
                    return false;
                }
                member = new SfItem(SfBareItem.True, parameters);
            }
            if (!reader.TryReadMemberSeparator(out bool end))
            {
                error = reader.Error ?? "invalid dictionary";
                return false;
            }
            result.Set(key.ToString(), member);
            if (end)
            {
                break;
            }
        }
        dictionary = result;
        error = null;
        return true;
    }

    private static bool TryReadMember(ref StructuredFieldReader reader, [NotNullWhen(true)] out SfMember? member)
    {
        member = null;
        if (reader.IsInnerListNext)
        {
            if (!reader.TryReadInnerListStart())
            {
                return false;
            }
            var items = new List<SfItem>();
            while (true)
            {
                if (!reader.TryReadInnerListItem(out var bare, out bool end))
                {
                    return false;
                }
                if (end)
                {
                    break;
                }
                if (!SfBareItem.TryCreate(bare, out var converted) || !TryReadParameters(ref reader, out var itemParameters))
                {
                    return false;
                }
                items.Add(new SfItem(converted, itemParameters));
            }
            if (!TryReadParameters(ref reader, out var listParameters))
            {
                return false;
            }
            member = new SfInnerList(items, listParameters);
            return true;
        }
        if (!reader.TryReadBareItem(out var item)
            || !SfBareItem.TryCreate(item, out var value)
            || !TryReadParameters(ref reader, out var parameters))
        {
            return false;
        }
        member = new SfItem(value, parameters);
        return true;
    }

    private static bool TryReadParameters(ref StructuredFieldReader reader, out SfParameters parameters)
    {
        parameters = new SfParameters();
        while (true)
        {
            if (!reader.TryReadParameter(out var key, out var value, out bool end))
            {
                return false;
            }
            if (end)
            {
                return true;
            }
            if (!SfBareItem.TryCreate(value, out var converted))
            {
                return false;
            }
            parameters.Set(key.ToString(), converted);
        }
    }
}
