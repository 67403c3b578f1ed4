namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Recognises an inner list with parameters that is already written exactly as RFC 9651 §4.1 serializes it, so the
/// <c>@signature-params</c> line can copy the received text instead of parsing and re-serializing it. Signers emit this
/// form, so it is the usual case; anything the check does not prove canonical goes through the serializer.
/// </summary>
/// <remarks>
/// Only the forms whose serialization is their own text are accepted: strings, integers without a leading zero or
/// <c>-0</c>, tokens, <c>?0</c> and, as items, <c>?1</c>; parameters as <c>;key=value</c>, or a bare <c>;key</c> for
/// true. Single spaces between items, none after <c>(</c>, before <c>)</c> or after <c>;</c>, and no repeated parameter
/// key (the serializer would merge it). Decimals, byte sequences, dates and display strings are left to the serializer.
/// The input must already have parsed as a structured field; this check only decides whether re-serializing would
/// change it.
/// </remarks>
internal static class CanonicalInnerList
{
    // Parameter keys of one parameter list, for the repeated-key check; more than this falls back to the serializer.
    private const int MaxTrackedKeys = 16;

    /// <summary>Whether <paramref name="member"/> (an inner list and its parameters, nothing else) is in canonical form.</summary>
    public static bool IsCanonical(ReadOnlySpan<char> member)
    {
        if (member.IsEmpty || member[0] != '(')
        {
            return false;
        }
        var pos = 1;
        if (pos < member.Length && member[pos] != ')')
        {
            while (true)
            {
                if (!TrySkipBareItem(member, ref pos, parameterValue: false) || !TrySkipParameters(member, ref pos))
                {
                    return false;
                }
                if (pos < member.Length && member[pos] == ' ')
                {
                    pos++;
                    // Exactly one space, and an item after it (no space before ')').
                    if (pos >= member.Length || member[pos] is ' ' or ')')
                    {
                        return false;
                    }
                    continue;
                }
                break;
            }
        }
        if (pos >= member.Length || member[pos] != ')')
        {
            return false;
        }
        pos++;
        return TrySkipParameters(member, ref pos) && pos == member.Length;
    }

    // keyStarts and keyLengths are only read below count, which this method writes first.
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static bool TrySkipParameters(ReadOnlySpan<char> text, ref int pos)
    {
        Span<int> keyStarts = stackalloc int[MaxTrackedKeys];
        Span<int> keyLengths = stackalloc int[MaxTrackedKeys];
        var count = 0;
        while (pos < text.Length && text[pos] == ';')
        {
            pos++;
            var keyStart = pos;
            if (!TrySkipKey(text, ref pos) || count == MaxTrackedKeys)
            {
                return false;
            }
            var key = text[keyStart..pos];
            for (var i = 0; i < count; i++)
            {
                if (key.SequenceEqual(text.Slice(keyStarts[i], keyLengths[i])))
                {
                    return false;
                }
            }
            keyStarts[count] = keyStart;
            keyLengths[count] = key.Length;
            count++;
            if (pos < text.Length && text[pos] == '=')
            {
                pos++;
                if (!TrySkipBareItem(text, ref pos, parameterValue: true))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static bool TrySkipKey(ReadOnlySpan<char> text, ref int pos)
    {
        if (pos >= text.Length || !SfDecoding.IsKeyStart(text[pos]))
        {
            return false;
        }
        pos++;
        while (pos < text.Length && SfDecoding.IsKeyChar(text[pos]))
        {
            pos++;
        }
        return true;
    }

    private static bool TrySkipBareItem(ReadOnlySpan<char> text, ref int pos, bool parameterValue)
    {
        if (pos >= text.Length)
        {
            return false;
        }
        var c = text[pos];
        if (c == '"')
        {
            return TrySkipString(text, ref pos);
        }
        if (c == '-' || SfDecoding.IsDigit(c))
        {
            return TrySkipInteger(text, ref pos);
        }
        if (SfDecoding.IsAlpha(c) || c == '*')
        {
            pos++;
            // RFC 9651 §3.3.4: tchar, ':' and '/'.
            while (pos < text.Length && (SfDecoding.IsTChar(text[pos]) || text[pos] is ':' or '/'))
            {
                pos++;
            }
            return true;
        }
        if (c == '?' && pos + 1 < text.Length)
        {
            // A true parameter value is serialized as the bare key, so "=?1" is not canonical there.
            var value = text[pos + 1];
            pos += 2;
            return value == '0' || (value == '1' && !parameterValue);
        }
        return false;
    }

    private static bool TrySkipString(ReadOnlySpan<char> text, ref int pos)
    {
        // The only escapes a parsed string can hold are \" and \\, which the serializer writes the same way.
        pos++;
        while (pos < text.Length)
        {
            var special = text[pos..].IndexOfAnyExcept(StructuredFieldReader.PlainStringChars);
            if (special < 0)
            {
                return false;
            }
            pos += special;
            var c = text[pos];
            if (c == '"')
            {
                pos++;
                return true;
            }
            if (c != '\\' || pos + 1 >= text.Length || text[pos + 1] is not ('"' or '\\'))
            {
                return false;
            }
            pos += 2;
        }
        return false;
    }

    private static bool TrySkipInteger(ReadOnlySpan<char> text, ref int pos)
    {
        var negative = text[pos] == '-';
        if (negative)
        {
            pos++;
        }
        var start = pos;
        while (pos < text.Length && SfDecoding.IsDigit(text[pos]))
        {
            pos++;
        }
        var digits = pos - start;
        if (digits == 0 || digits > 15 || (pos < text.Length && text[pos] == '.'))
        {
            // Not an integer (a decimal, or malformed): leave it to the serializer.
            return false;
        }
        // "0" is canonical, "00", "01" and "-0" are not.
        return text[start] != '0' || (digits == 1 && !negative);
    }
}
