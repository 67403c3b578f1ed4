using System.Buffers;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Canonical serialization (RFC 9651 §4.1) of a structured field given as text, straight from
/// <see cref="StructuredFieldReader"/> into <see cref="SfWriter"/>, without building the object model: the same
/// reader and the same writer as <see cref="StructuredFieldParser"/> and <see cref="StructuredFieldSerializer"/>, so the
/// result is exactly what parsing and serializing would give. Used by the <c>sf</c> and <c>key</c> component paths.
/// </summary>
/// <remarks>
/// Linear time: each member and parameter is read a bounded number of times, and repeated keys are found with a
/// <see cref="SpanKeyTable"/> rather than by rescanning the text. A repeated dictionary or parameter key keeps the
/// position of its first occurrence and the value of its last (RFC 9651 §4.2.2 step 2.4, §4.2.3.2 step 2.5).
/// Every method returns false on malformed input or when the writer fails; <see cref="SfWriter.TooSmall"/> tells the two apart.
/// </remarks>
internal static class SfTextCanonicalizer
{
    // Scratch ints kept on the stack: covers a parameter list of up to 16 parameters, the usual case.
    private const int StackInts = 128;

    /// <summary>An item field (§4.2.3).</summary>
    public static bool TryWriteItem(ReadOnlySpan<char> text, ref SfWriter writer)
    {
        var reader = new StructuredFieldReader(text);
        return reader.TryReadBareItem(out var item)
            && writer.WriteBareItem(item)
            && TryWriteParameters(ref reader, ref writer)
            && reader.TryReadEndOfField();
    }

    /// <summary>One list member (an item or an inner list with parameters) and nothing after it.</summary>
    public static bool TryWriteMember(ReadOnlySpan<char> text, ref SfWriter writer)
    {
        var reader = new StructuredFieldReader(text);
        return TryWriteMember(ref reader, ref writer) && reader.TryReadEndOfField();
    }

    /// <summary>A list field (§4.2.1).</summary>
    public static bool TryWriteList(ReadOnlySpan<char> text, ref SfWriter writer)
    {
        var reader = new StructuredFieldReader(text);
        var first = true;
        while (!reader.IsAtEnd)
        {
            if ((!first && !writer.Append(", ")) || !TryWriteMember(ref reader, ref writer) || !reader.TryReadMemberSeparator(out var end))
            {
                return false;
            }
            first = false;
            if (end)
            {
                break;
            }
        }
        return true;
    }

    /// <summary>A dictionary field (§4.2.2): a repeated key keeps its first position and takes its last value.</summary>
    public static bool TryWriteDictionary(ReadOnlySpan<char> text, ref SfWriter writer)
    {
        // Pass 1 validates the whole field and counts its members, so the scratch below is sized exactly.
        if (!TryCountMembers(text, out var count))
        {
            return false;
        }
        if (count == 0)
        {
            return true;
        }
        var need = (count * 2) + SpanKeyTable.StorageLength(count);
        int[]? rented = null;
        var storage = need <= StackInts ? stackalloc int[StackInts] : (rented = ArrayPool<int>.Shared.Rent(need));
        try
        {
            var keyStarts = storage[..count];
            var winners = storage.Slice(count, count);
            var table = new SpanKeyTable(text, storage[(count * 2)..], count);

            // Pass 2: where each member's key starts, and for each first occurrence of a key the index of its last occurrence
            // (-1 for the later occurrences, which are not written).
            var reader = new StructuredFieldReader(text);
            for (var i = 0; i < count; i++)
            {
                keyStarts[i] = reader.Position;
                if (!reader.TryReadDictionaryKey(out var key, out var hasValue)
                    || (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
                    || !reader.TryReadMemberSeparator(out _))
                {
                    return false;
                }
                winners[i] = i;
                if (table.TryAddOrGet(keyStarts[i], key.Length, i, out var first))
                {
                    winners[first] = i;
                    winners[i] = -1;
                }
            }

            // Pass 3: each key at its first position with the value of its last occurrence.
            var written = false;
            for (var i = 0; i < count; i++)
            {
                if (winners[i] < 0)
                {
                    continue;
                }
                var keyReader = new StructuredFieldReader(text[keyStarts[i]..]);
                var valueReader = new StructuredFieldReader(text[keyStarts[winners[i]]..]);
                if (!keyReader.TryReadKey(out var key)
                    || !valueReader.TryReadDictionaryKey(out _, out var hasValue)
                    || (written && !writer.Append(", "))
                    || !writer.WriteKey(key)
                    || !TryWriteDictionaryValue(ref valueReader, hasValue, ref writer))
                {
                    return false;
                }
                written = true;
            }
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The value of the dictionary member named <paramref name="key"/> (the last one when repeated, §4.2.2), serialized
    /// as a list member: RFC 9421 §2.1.2 <c>key</c>. <paramref name="missing"/> is true when the field is valid but has no such member.
    /// </summary>
    public static bool TryWriteDictionaryMember(ReadOnlySpan<char> text, ReadOnlySpan<char> key, ref SfWriter writer, out bool missing)
    {
        missing = false;
        var reader = new StructuredFieldReader(text);
        var last = -1;
        while (!reader.IsAtEnd)
        {
            var start = reader.Position;
            if (!reader.TryReadDictionaryKey(out var k, out var hasValue)
                || (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
                || !reader.TryReadMemberSeparator(out var end))
            {
                return false;
            }
            if (k.SequenceEqual(key))
            {
                last = start;
            }
            if (end)
            {
                break;
            }
        }
        if (last < 0)
        {
            missing = true;
            return false;
        }
        var member = new StructuredFieldReader(text[last..]);
        if (!member.TryReadDictionaryKey(out _, out var withValue))
        {
            return false;
        }
        // A member without a value is boolean true (§4.2.2), which as an item serializes as ?1.
        return withValue
            ? TryWriteMember(ref member, ref writer)
            : writer.Append("?1") && TryWriteParameters(ref member, ref writer);
    }

    private static bool TryCountMembers(ReadOnlySpan<char> text, out int count)
    {
        count = 0;
        var reader = new StructuredFieldReader(text);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadDictionaryKey(out _, out var hasValue)
                || (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
                || !reader.TryReadMemberSeparator(out var end))
            {
                return false;
            }
            count++;
            if (end)
            {
                break;
            }
        }
        return true;
    }

    /// <summary>After a dictionary key: <c>=value;params</c>, or only <c>;params</c> when the value is boolean true (§4.1.2).</summary>
    private static bool TryWriteDictionaryValue(ref StructuredFieldReader reader, bool hasValue, ref SfWriter writer)
    {
        if (!hasValue)
        {
            return TryWriteParameters(ref reader, ref writer);
        }
        if (reader.IsInnerListNext)
        {
            return writer.Append('=') && TryWriteMember(ref reader, ref writer);
        }
        if (!reader.TryReadBareItem(out var item))
        {
            return false;
        }
        if (item.Kind == SfItemKind.Boolean && item.BooleanValue)
        {
            return TryWriteParameters(ref reader, ref writer);
        }
        return writer.Append('=') && writer.WriteBareItem(item) && TryWriteParameters(ref reader, ref writer);
    }

    /// <summary>An item or inner list with its parameters at the reader's position.</summary>
    private static bool TryWriteMember(ref StructuredFieldReader reader, ref SfWriter writer)
    {
        if (!reader.IsInnerListNext)
        {
            return reader.TryReadBareItem(out var bare) && writer.WriteBareItem(bare) && TryWriteParameters(ref reader, ref writer);
        }
        if (!reader.TryReadInnerListStart() || !writer.Append('('))
        {
            return false;
        }
        var first = true;
        while (true)
        {
            if (!reader.TryReadInnerListItem(out var item, out var end))
            {
                return false;
            }
            if (end)
            {
                break;
            }
            if ((!first && !writer.Append(' ')) || !writer.WriteBareItem(item) || !TryWriteParameters(ref reader, ref writer))
            {
                return false;
            }
            first = false;
        }
        return writer.Append(')') && TryWriteParameters(ref reader, ref writer);
    }

    /// <summary>The parameters at the reader's position (§4.2.3.2), moving the reader past them.</summary>
    private static bool TryWriteParameters(ref StructuredFieldReader reader, ref SfWriter writer)
    {
        var input = reader.Input;
        var start = reader.Position;
        var count = 0;
        while (true)
        {
            if (!reader.TryReadParameter(out _, out _, out var end))
            {
                return false;
            }
            if (end)
            {
                break;
            }
            count++;
        }
        return count == 0 || WriteParameters(input[start..reader.Position], count, ref writer);
    }

    /// <summary>Writes a region holding exactly <paramref name="count"/> valid parameters; a repeated key keeps its first position and last value.</summary>
    private static bool WriteParameters(ReadOnlySpan<char> region, int count, ref SfWriter writer)
    {
        var need = (count * 2) + SpanKeyTable.StorageLength(count);
        int[]? rented = null;
        var storage = need <= StackInts ? stackalloc int[StackInts] : (rented = ArrayPool<int>.Shared.Rent(need));
        try
        {
            var starts = storage[..count];
            var winners = storage.Slice(count, count);
            var table = new SpanKeyTable(region, storage[(count * 2)..], count);
            var reader = new StructuredFieldReader(region);
            for (var i = 0; i < count; i++)
            {
                starts[i] = reader.Position;
                if (!reader.TryReadParameter(out var key, out _, out _))
                {
                    return false;
                }
                region.Overlaps(key, out var keyStart);
                winners[i] = i;
                if (table.TryAddOrGet(keyStart, key.Length, i, out var first))
                {
                    winners[first] = i;
                    winners[i] = -1;
                }
            }
            for (var i = 0; i < count; i++)
            {
                if (winners[i] < 0)
                {
                    continue;
                }
                var keyReader = new StructuredFieldReader(region[starts[i]..]);
                var valueReader = new StructuredFieldReader(region[starts[winners[i]]..]);
                if (!keyReader.TryReadParameter(out var key, out _, out _)
                    || !valueReader.TryReadParameter(out _, out var value, out _)
                    || !writer.Append(';')
                    || !writer.WriteKey(key))
                {
                    return false;
                }
                // §4.1.1.2: a parameter whose value is boolean true is written as its key alone.
                if (!(value.Kind == SfItemKind.Boolean && value.BooleanValue) && (!writer.Append('=') || !writer.WriteBareItem(value)))
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }
}
