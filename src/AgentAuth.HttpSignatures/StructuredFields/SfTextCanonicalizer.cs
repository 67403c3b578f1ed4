using System.Buffers;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Canonical serialization (RFC 9651 §4.1) of a structured field given as text, straight from
/// <see cref="StructuredFieldReader"/> into <see cref="SfWriter"/>, without building the object model: the same
/// reader and the same writer as <see cref="StructuredFieldParser"/> and <see cref="StructuredFieldSerializer"/>, so the
/// result is exactly what parsing and serializing would give. Used by the <c>sf</c> and <c>key</c> component paths. Keys
/// and tokens were validated by the reader, so they are copied as read.
/// </summary>
/// <remarks>
/// Linear time: each member and parameter is read a bounded number of times, and repeated keys are found with a
/// <see cref="SpanKeyTable"/> rather than by rescanning the text. A repeated dictionary or parameter key keeps the
/// position of its first occurrence and the value of its last (RFC 9651 §4.2.2 step 2.4, §4.2.3.2 step 2.5).
/// Every method returns false on malformed input or when the writer fails; <see cref="SfWriter.TooSmall"/> tells the two apart.
/// </remarks>
internal static class SfTextCanonicalizer
{
    // Scratch ints kept on the stack for a small dictionary.
    private const int StackInts = 128;

    // Parameters whose key positions are kept on the stack while they are read (more are read a second time).
    private const int StackParameters = 16;

    // Up to this many keys, repeated ones are found by comparing each with those before it (at most 28 comparisons).
    private const int PairwiseKeys = 8;

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
        // A member takes at least two characters ("a,"), which bounds the scratch without a counting pass; rented memory
        // is not cleared, so the bound costs nothing but address space.
        var maxMembers = (text.Length / 2) + 1;
        int[]? rented = null;
        var storage = maxMembers * 2 <= StackInts ? stackalloc int[StackInts] : (rented = ArrayPool<int>.Shared.Rent(maxMembers * 2));
        try
        {
            // Pass 1 validates the whole field (nothing is written for an invalid one) and records where each key is.
            var keys = storage[..maxMembers];
            var lengths = storage.Slice(maxMembers, maxMembers);
            var count = 0;
            var reader = new StructuredFieldReader(text);
            while (!reader.IsAtEnd)
            {
                var start = reader.Position;
                if (!reader.TryReadDictionaryKey(out var key, out var hasValue)
                    || (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
                    || !reader.TryReadMemberSeparator(out var end))
                {
                    return false;
                }
                keys[count] = start;
                lengths[count++] = key.Length;
                if (end)
                {
                    break;
                }
            }
            if (count == 0)
            {
                return true;
            }

            // For each first occurrence of a key, the index of its last occurrence; -1 for the later ones, which are not written.
            // The lengths slots are reused for it once read.
            var winners = lengths[..count];
            if (!FindLastOccurrences(text, keys[..count], winners))
            {
                return false;
            }

            // Pass 2: each key at its first position with the value of its last occurrence.
            var written = false;
            for (var i = 0; i < count; i++)
            {
                if (winners[i] < 0)
                {
                    continue;
                }
                var keyReader = new StructuredFieldReader(text[keys[i]..]);
                var valueReader = new StructuredFieldReader(text[keys[winners[i]]..]);
                if (!keyReader.TryReadKey(out var key)
                    || !valueReader.TryReadDictionaryKey(out _, out var hasValue)
                    || (written && !writer.Append(", "))
                    || !writer.Append(key)
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
    /// Given where each key starts in <paramref name="text"/> (<paramref name="keyStarts"/>, each at a key, or at the
    /// <c>;</c> of a parameter) and its length in <paramref name="winners"/>, replaces each length by the index of that key's
    /// last occurrence when this is its first occurrence, or by -1. A handful of keys is compared pairwise (bounded); more
    /// go through a <see cref="SpanKeyTable"/> (linear).
    /// </summary>
    private static bool FindLastOccurrences(ReadOnlySpan<char> text, scoped ReadOnlySpan<int> keyStarts, scoped Span<int> winners)
    {
        var count = keyStarts.Length;
        Span<int> small = stackalloc int[PairwiseKeys];
        if (count <= PairwiseKeys)
        {
            var lengths = small[..count];
            winners.CopyTo(lengths);
            for (var i = 0; i < count; i++)
            {
                winners[i] = i;
                var key = text.Slice(keyStarts[i], lengths[i]);
                for (var j = 0; j < i; j++)
                {
                    if (winners[j] >= 0 && lengths[j] == key.Length && text.Slice(keyStarts[j], lengths[j]).SequenceEqual(key))
                    {
                        winners[j] = i;
                        winners[i] = -1;
                        break;
                    }
                }
            }
            return true;
        }
        var need = SpanKeyTable.StorageLength(count);
        var rented = ArrayPool<int>.Shared.Rent(need);
        try
        {
            var table = new SpanKeyTable(text, rented, count);
            for (var i = 0; i < count; i++)
            {
                var length = winners[i];
                winners[i] = i;
                if (table.TryAddOrGet(keyStarts[i], length, i, out var first))
                {
                    winners[first] = i;
                    winners[i] = -1;
                }
            }
            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
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
        // Where each key starts and its length, for the first few parameters (usually all of them).
        Span<int> keyStarts = stackalloc int[StackParameters];
        Span<int> lengths = stackalloc int[StackParameters];
        var count = 0;
        while (true)
        {
            if (!reader.TryReadParameter(out var key, out _, out var end))
            {
                return false;
            }
            if (end)
            {
                break;
            }
            if (count < StackParameters)
            {
                input.Overlaps(key, out var keyStart);
                keyStarts[count] = keyStart - start;
                lengths[count] = key.Length;
            }
            count++;
        }
        if (count == 0)
        {
            return true;
        }
        var region = input[start..reader.Position];
        if (count <= StackParameters)
        {
            return WriteParameters(region, keyStarts[..count], lengths[..count], ref writer);
        }
        int[]? rented = ArrayPool<int>.Shared.Rent(count * 2);
        try
        {
            var starts = rented.AsSpan(0, count);
            var winners = rented.AsSpan(count, count);
            var again = new StructuredFieldReader(region);
            for (var i = 0; i < count; i++)
            {
                if (!again.TryReadParameter(out var key, out _, out _))
                {
                    return false;
                }
                region.Overlaps(key, out starts[i]);
                winners[i] = key.Length;
            }
            return WriteParameters(region, starts, winners, ref writer);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes the valid parameters of <paramref name="region"/>, whose keys start at <paramref name="keyStarts"/> with the
    /// lengths in <paramref name="lengths"/> (overwritten); a repeated key keeps its first position and its last value.
    /// </summary>
    private static bool WriteParameters(ReadOnlySpan<char> region, scoped ReadOnlySpan<int> keyStarts, scoped Span<int> lengths, ref SfWriter writer)
    {
        if (!FindLastOccurrences(region, keyStarts, lengths))
        {
            return false;
        }
        var winners = lengths;
        for (var i = 0; i < keyStarts.Length; i++)
        {
            if (winners[i] < 0)
            {
                continue;
            }
            var keyReader = new StructuredFieldReader(region[keyStarts[i]..]);
            // The value follows its key: re-read from the key of the last occurrence, as a parameter without its ';'.
            var valueReader = new StructuredFieldReader(region[keyStarts[winners[i]]..]);
            if (!keyReader.TryReadKey(out var key)
                || !valueReader.TryReadKey(out _)
                || !writer.Append(';')
                || !writer.Append(key))
            {
                return false;
            }
            // §4.1.1.2: a parameter whose value is boolean true is written as its key alone.
            if (valueReader.IsAtEnd || valueReader.Remaining[0] != '=')
            {
                continue;
            }
            var valueText = valueReader.Remaining[1..];
            var item = new StructuredFieldReader(valueText);
            if (valueText.IsEmpty || valueText[0] == ' ' || !item.TryReadBareItem(out var value))
            {
                return false;
            }
            if (!(value.Kind == SfItemKind.Boolean && value.BooleanValue) && (!writer.Append('=') || !writer.WriteBareItem(value)))
            {
                return false;
            }
        }
        return true;
    }
}
