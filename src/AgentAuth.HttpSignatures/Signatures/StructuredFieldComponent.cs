using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// <c>sf</c> and <c>key</c> component values (RFC 9421 §2.1.1, §2.1.2): the field is parsed with the
/// allocation-free <see cref="StructuredFieldReader"/> and written back in the canonical serialization of
/// RFC 9651 §4.1, streaming, straight into the signature base.
/// </summary>
internal static class StructuredFieldComponent
{
    private const int StackChars = 512;

    public static bool TryWrite(ref SignatureBaseWriter writer, in SignatureComponent component, FieldLines lines,
        StructuredFieldTypes types, out ComponentError error)
    {
        StructuredFieldType type;
        var key = (component.Parameters & ComponentParameter.Key) != 0;
        if (key)
        {
            type = StructuredFieldType.Dictionary;
        }
        else if (!types.TryGet(component.Name, out type))
        {
            error = ComponentError.UnknownStructuredFieldType;
            return false;
        }

        // Multiple field lines form one value joined with ", " (RFC 9110 §5.3) before parsing.
        var total = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            total += lines[i].Length + 2;
        }
        char[]? rented = null;
        var buffer = total <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(total));
        try
        {
            scoped ReadOnlySpan<char> value;
            if (lines.Count == 1)
            {
                value = ComponentValueWriter.TrimOws(lines[0]);
            }
            else
            {
                var length = 0;
                for (var i = 0; i < lines.Count; i++)
                {
                    if (i > 0)
                    {
                        buffer[length++] = ',';
                        buffer[length++] = ' ';
                    }
                    var line = ComponentValueWriter.TrimOws(lines[i]);
                    line.CopyTo(buffer[length..]);
                    length += line.Length;
                }
                value = buffer[..length];
            }

            var mark = writer.Length;
            bool ok;
            if (key)
            {
                ok = TryWriteDictionaryMember(ref writer, value, component.Argument, out error);
            }
            else
            {
                ok = type switch
                {
                    StructuredFieldType.Item => TryWriteItem(ref writer, value, out error),
                    StructuredFieldType.List => TryWriteMembers(ref writer, value, dictionary: false, out error),
                    _ => TryWriteMembers(ref writer, value, dictionary: true, out error),
                };
            }
            if (!ok)
            {
                writer.Truncate(mark);
            }
            return ok;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool TryWriteItem(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> value, out ComponentError error)
    {
        var reader = new StructuredFieldReader(value);
        if (!TryWriteItemAt(ref writer, ref reader, out error) || !reader.TryReadEndOfField())
        {
            return Fail(writer, out error);
        }
        return true;
    }

    /// <summary>Canonical list or dictionary; a repeated dictionary key keeps its first position and takes its last value (RFC 9651 §4.2.2).</summary>
    private static bool TryWriteMembers(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> value, bool dictionary, out ComponentError error)
    {
        if (!IsWellFormed(value, dictionary))
        {
            error = ComponentError.InvalidStructuredField;
            return false;
        }
        var reader = new StructuredFieldReader(value);
        var first = true;
        while (!reader.IsAtEnd)
        {
            var memberStart = reader.Position;
            if (dictionary)
            {
                if (!reader.TryReadDictionaryKey(out var key, out var hasValue))
                {
                    return Fail(writer, out error);
                }
                var valueStart = reader.Position;
                if (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
                {
                    return Fail(writer, out error);
                }
                if (!TryFindLastMember(value[..memberStart], key, out _, out _))
                {
                    // First occurrence: write it with the value of the last occurrence.
                    var member = value[valueStart..reader.Position];
                    if (TryFindLastMember(value[reader.Position..], key, out var later, out var laterHasValue))
                    {
                        member = later;
                        hasValue = laterHasValue;
                    }
                    if (!WriteSeparator(ref writer, ref first, out error)
                        || !ComponentValueWriter.Ascii(ref writer, key, out error)
                        || !TryWriteDictionaryValue(ref writer, member, hasValue, out error))
                    {
                        return Fail(writer, out error);
                    }
                }
            }
            else
            {
                if (!WriteSeparator(ref writer, ref first, out error) || !TryWriteMemberAt(ref writer, ref reader, out error))
                {
                    return Fail(writer, out error);
                }
            }
            if (!reader.TryReadMemberSeparator(out var end))
            {
                return Fail(writer, out error);
            }
            if (end)
            {
                break;
            }
        }
        error = default;
        return true;
    }

    private static bool IsWellFormed(ReadOnlySpan<char> value, bool dictionary)
    {
        var reader = new StructuredFieldReader(value);
        while (!reader.IsAtEnd)
        {
            var hasValue = true;
            if (dictionary && !reader.TryReadDictionaryKey(out _, out hasValue))
            {
                return false;
            }
            if (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
            {
                return false;
            }
            if (!reader.TryReadMemberSeparator(out var end))
            {
                return false;
            }
            if (end)
            {
                break;
            }
        }
        return true;
    }

    private static bool WriteSeparator(ref SignatureBaseWriter writer, ref bool first, out ComponentError error)
    {
        error = default;
        if (first)
        {
            first = false;
            return true;
        }
        return ComponentValueWriter.Ascii(ref writer, ", ", out error);
    }

    /// <summary>Finds the last member named <paramref name="key"/> in a dictionary fragment (a whole number of members).</summary>
    private static bool TryFindLastMember(ReadOnlySpan<char> members, ReadOnlySpan<char> key, out ReadOnlySpan<char> memberValue, out bool hasValue)
    {
        memberValue = default;
        hasValue = false;
        var found = false;
        var reader = new StructuredFieldReader(members);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadDictionaryKey(out var k, out var withValue))
            {
                break;
            }
            var start = reader.Position;
            if (withValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
            {
                break;
            }
            if (k.SequenceEqual(key))
            {
                found = true;
                hasValue = withValue;
                memberValue = members[start..reader.Position];
            }
            if (!reader.TryReadMemberSeparator(out var end) || end)
            {
                break;
            }
        }
        return found;
    }

    /// <summary>The <c>key</c> parameter: the member's value re-serialized (an item with parameters, an inner list, or <c>?1</c>).</summary>
    private static bool TryWriteDictionaryMember(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> value, scoped ReadOnlySpan<char> memberKey, out ComponentError error)
    {
        if (!IsWellFormed(value, dictionary: true))
        {
            error = ComponentError.InvalidStructuredField;
            return false;
        }
        if (!TryFindLastMember(value, memberKey, out var member, out var hasValue))
        {
            error = ComponentError.DictionaryMemberMissing;
            return false;
        }
        if (!hasValue)
        {
            return ComponentValueWriter.Ascii(ref writer, "?1", out error) && TryWriteParameters(ref writer, member, out error);
        }
        var reader = new StructuredFieldReader(member);
        return TryWriteMemberAt(ref writer, ref reader, out error) || Fail(writer, out error);
    }

    /// <summary>Canonical serialization of one list member (item or inner list, with parameters) given as text.</summary>
    internal static bool TryWriteMember(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> member, out ComponentError error)
    {
        var reader = new StructuredFieldReader(member);
        return (TryWriteMemberAt(ref writer, ref reader, out error) && reader.TryReadEndOfField()) || Fail(writer, out error);
    }

    /// <summary>After a dictionary key: <c>=value;params</c>, or just <c>;params</c> when the value is boolean true.</summary>
    private static bool TryWriteDictionaryValue(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> member, bool hasValue, out ComponentError error)
    {
        if (!hasValue)
        {
            return TryWriteParameters(ref writer, member, out error);
        }
        var reader = new StructuredFieldReader(member);
        if (!reader.IsInnerListNext)
        {
            if (!reader.TryReadBareItem(out var item))
            {
                return Fail(writer, out error);
            }
            if (item.Kind == SfItemKind.Boolean && item.BooleanValue)
            {
                return TryWriteParameters(ref writer, member[reader.Position..], out error);
            }
            return ComponentValueWriter.Ascii(ref writer, "=", out error)
                && WriteBareItem(ref writer, item, out error)
                && TryWriteParameters(ref writer, member[reader.Position..], out error);
        }
        return ComponentValueWriter.Ascii(ref writer, "=", out error) && (TryWriteMemberAt(ref writer, ref reader, out error) || Fail(writer, out error));
    }

    /// <summary>An item or inner list with parameters at the reader's position.</summary>
    private static bool TryWriteMemberAt(ref SignatureBaseWriter writer, ref StructuredFieldReader reader, out ComponentError error)
    {
        if (!reader.IsInnerListNext)
        {
            return TryWriteItemAt(ref writer, ref reader, out error);
        }
        if (!reader.TryReadInnerListStart() || !ComponentValueWriter.Ascii(ref writer, "(", out error))
        {
            return Fail(writer, out error);
        }
        var first = true;
        while (true)
        {
            if (!reader.TryReadInnerListItem(out var item, out var end))
            {
                return Fail(writer, out error);
            }
            if (end)
            {
                break;
            }
            if ((!first && !ComponentValueWriter.Ascii(ref writer, " ", out error)) || !WriteBareItem(ref writer, item, out error)
                || !TryWriteParametersAt(ref writer, ref reader, out error))
            {
                return Fail(writer, out error);
            }
            first = false;
        }
        return ComponentValueWriter.Ascii(ref writer, ")", out error) && TryWriteParametersAt(ref writer, ref reader, out error);
    }

    private static bool TryWriteItemAt(ref SignatureBaseWriter writer, ref StructuredFieldReader reader, out ComponentError error)
    {
        if (!reader.TryReadBareItem(out var item) || !WriteBareItem(ref writer, item, out error))
        {
            return Fail(writer, out error);
        }
        return TryWriteParametersAt(ref writer, ref reader, out error);
    }

    /// <summary>Writes the parameters at the reader's position and moves the reader past them.</summary>
    private static bool TryWriteParametersAt(ref SignatureBaseWriter writer, ref StructuredFieldReader reader, out ComponentError error)
    {
        var input = reader.Input;
        var start = reader.Position;
        if (!reader.TrySkipParameters())
        {
            return Fail(writer, out error);
        }
        return TryWriteParameters(ref writer, input[start..reader.Position], out error);
    }

    /// <summary>
    /// Canonical parameters from a region holding only parameters; a repeated key keeps its first position and its
    /// last value (RFC 9651 §4.2.3.2), a boolean true value is written as the bare key.
    /// </summary>
    internal static bool TryWriteParameters(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> region, out ComponentError error)
    {
        var reader = new StructuredFieldReader(region);
        while (true)
        {
            var start = reader.Position;
            if (!reader.TryReadParameter(out var key, out var value, out var end))
            {
                return Fail(writer, out error);
            }
            if (end)
            {
                break;
            }
            if (FindLastParameter(region[..start], key) >= 0)
            {
                continue;
            }
            var later = FindLastParameter(region[reader.Position..], key);
            if (later >= 0)
            {
                var laterReader = new StructuredFieldReader(region[(reader.Position + later)..]);
                if (!laterReader.TryReadParameter(out _, out var lastValue, out _)
                    || !WriteParameter(ref writer, key, lastValue, out error))
                {
                    return Fail(writer, out error);
                }
            }
            else if (!WriteParameter(ref writer, key, value, out error))
            {
                return Fail(writer, out error);
            }
        }
        error = default;
        return true;
    }

    private static bool WriteParameter(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> key, scoped SfBareItemSpan value, out ComponentError error)
    {
        if (!ComponentValueWriter.Ascii(ref writer, ";", out error) || !ComponentValueWriter.Ascii(ref writer, key, out error))
        {
            return false;
        }
        if (value.Kind == SfItemKind.Boolean && value.BooleanValue)
        {
            return true;
        }
        return ComponentValueWriter.Ascii(ref writer, "=", out error) && WriteBareItem(ref writer, value, out error);
    }

    /// <summary>Offset (within <paramref name="region"/>) of the last parameter named <paramref name="key"/>, or -1.</summary>
    private static int FindLastParameter(ReadOnlySpan<char> region, ReadOnlySpan<char> key)
    {
        var found = -1;
        var reader = new StructuredFieldReader(region);
        while (true)
        {
            var start = reader.Position;
            if (!reader.TryReadParameter(out var k, out _, out var end) || end)
            {
                return found;
            }
            if (k.SequenceEqual(key))
            {
                found = start;
            }
        }
    }

    /// <summary>RFC 9651 §4.1.3 bare item serialization.</summary>
    internal static bool WriteBareItem(ref SignatureBaseWriter writer, scoped SfBareItemSpan item, out ComponentError error)
    {
        Span<char> number = stackalloc char[32];
        int written;
        switch (item.Kind)
        {
            case SfItemKind.Integer:
                item.IntegerValue.TryFormat(number, out written, default, CultureInfo.InvariantCulture);
                return ComponentValueWriter.Ascii(ref writer, number[..written], out error);
            case SfItemKind.Date:
                number[0] = '@';
                item.DateValue.TryFormat(number[1..], out written, default, CultureInfo.InvariantCulture);
                return ComponentValueWriter.Ascii(ref writer, number[..(written + 1)], out error);
            case SfItemKind.Decimal:
                item.DecimalValue.TryFormat(number, out written, "0.0##", CultureInfo.InvariantCulture);
                return ComponentValueWriter.Ascii(ref writer, number[..written], out error);
            case SfItemKind.Boolean:
                return ComponentValueWriter.Ascii(ref writer, item.BooleanValue ? "?1" : "?0", out error);
            case SfItemKind.Token:
                return ComponentValueWriter.Ascii(ref writer, item.Raw, out error);
            case SfItemKind.String:
                // The only escapes a string can hold are \" and \\, which is also the canonical form.
                return ComponentValueWriter.Ascii(ref writer, "\"", out error)
                    && ComponentValueWriter.Ascii(ref writer, item.Raw, out error)
                    && ComponentValueWriter.Ascii(ref writer, "\"", out error);
            case SfItemKind.ByteSequence:
                return WriteByteSequence(ref writer, item.Raw, out error);
            case SfItemKind.DisplayString:
                return WriteDisplayString(ref writer, item.Raw, out error);
            default:
                error = ComponentError.InvalidStructuredField;
                return false;
        }
    }

    private static bool WriteByteSequence(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> raw, out ComponentError error)
    {
        byte[]? rented = null;
        var length = StructuredFieldReader.GetDecodedByteSequenceLength(raw);
        var bytes = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            if (!StructuredFieldReader.TryDecodeByteSequence(raw, bytes, out var decoded))
            {
                error = ComponentError.InvalidStructuredField;
                return false;
            }
            var encodedLength = Base64.GetMaxEncodedToUtf8Length(decoded);
            if (!writer.TryAppend((byte)':') || !writer.TryGetSpan(encodedLength, out var destination))
            {
                error = ComponentError.SignatureBaseTooLarge;
                return false;
            }
            Base64.EncodeToUtf8(bytes[..decoded], destination, out _, out var written);
            writer.Advance(written);
            return ComponentValueWriter.Ascii(ref writer, ":", out error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>RFC 9651 §4.1.11: <c>%"</c>, printable ASCII except <c>%</c> and <c>"</c> as is, everything else as lowercase <c>%xx</c> of its UTF-8 bytes.</summary>
    private static bool WriteDisplayString(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> raw, out ComponentError error)
    {
        var chars = new char[raw.Length];
        var bytes = new byte[raw.Length * 3];
        if (!StructuredFieldReader.TryDecodeDisplayString(raw, chars, out var length))
        {
            error = ComponentError.InvalidStructuredField;
            return false;
        }
        var count = Encoding.UTF8.GetBytes(chars.AsSpan(0, length), bytes);
        if (!ComponentValueWriter.Ascii(ref writer, "%\"", out error))
        {
            return false;
        }
        foreach (var b in bytes.AsSpan(0, count))
        {
            var ok = b is >= 0x20 and <= 0x7E and not (byte)'%' and not (byte)'"'
                ? writer.TryAppend(b)
                : writer.TryAppend((byte)'%') && writer.TryAppend(LowerHex(b >> 4)) && writer.TryAppend(LowerHex(b & 0xF));
            if (!ok)
            {
                error = ComponentError.SignatureBaseTooLarge;
                return false;
            }
        }
        return ComponentValueWriter.Ascii(ref writer, "\"", out error);
    }

    private static byte LowerHex(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    private static bool Fail(in SignatureBaseWriter writer, out ComponentError error)
    {
        error = writer.Overflowed ? ComponentError.SignatureBaseTooLarge : ComponentError.InvalidStructuredField;
        return false;
    }
}
