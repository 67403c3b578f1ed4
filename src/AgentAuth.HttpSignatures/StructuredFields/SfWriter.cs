using System.Buffers;
using System.Globalization;
using System.Text;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Span writer behind <see cref="StructuredFieldSerializer"/> (RFC 9651 §4.1). A write fails either because the
/// value cannot be serialized (<see cref="Error"/> set) or because the destination is full (<see cref="TooSmall"/>).
/// </summary>
internal ref struct SfWriter
{
    private const long MaxInteger = 999_999_999_999_999;
    private const decimal MaxDecimalIntegerPart = 999_999_999_999m;

    private readonly Span<char> _destination;

    public SfWriter(Span<char> destination)
    {
        _destination = destination;
        Position = 0;
        Error = null;
        TooSmall = false;
    }

    public int Position { get; private set; }

    public string? Error { get; private set; }

    public bool TooSmall { get; private set; }

    public bool WriteList(SfList list)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if ((i > 0 && !Append(", ")) || !WriteMember(list[i]))
            {
                return false;
            }
        }
        return true;
    }

    public bool WriteDictionary(SfDictionary dictionary)
    {
        for (int i = 0; i < dictionary.Count; i++)
        {
            var (key, member) = dictionary[i];
            if ((i > 0 && !Append(", ")) || !WriteKey(key))
            {
                return false;
            }
            // §4.1.2: a member whose value is boolean true is written as its key and parameters only.
            if (member is SfItem item && item.BareItem.Kind == SfItemKind.Boolean && item.BareItem.BooleanValue)
            {
                if (!WriteParameters(item.Parameters))
                {
                    return false;
                }
            }
            else if (!Append('=') || !WriteMember(member))
            {
                return false;
            }
        }
        return true;
    }

    public bool WriteMember(SfMember member) => member switch
    {
        SfItem item => WriteItem(item),
        SfInnerList innerList => WriteInnerList(innerList),
        _ => Fail("unknown member type"),
    };

    public bool WriteInnerList(SfInnerList innerList)
    {
        if (!Append('('))
        {
            return false;
        }
        var items = innerList.Items;
        for (int i = 0; i < items.Count; i++)
        {
            if ((i > 0 && !Append(' ')) || !WriteItem(items[i]))
            {
                return false;
            }
        }
        return Append(')') && WriteParameters(innerList.Parameters);
    }

    public bool WriteItem(SfItem item) => WriteBareItem(item.BareItem) && WriteParameters(item.Parameters);

    public bool WriteParameters(SfParameters parameters)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var (key, value) = parameters[i];
            if (!Append(';') || !WriteKey(key))
            {
                return false;
            }
            if (value.Kind == SfItemKind.Boolean && value.BooleanValue)
            {
                continue;
            }
            if (!Append('=') || !WriteBareItem(value))
            {
                return false;
            }
        }
        return true;
    }

    public bool WriteBareItem(in SfBareItem item) => item.Kind switch
    {
        SfItemKind.Integer => WriteInteger(item.IntegerValue),
        SfItemKind.Decimal => WriteDecimal(item.DecimalValue),
        SfItemKind.String => WriteString(item.StringValue),
        SfItemKind.Token => WriteToken(item.StringValue),
        SfItemKind.ByteSequence => WriteByteSequence(item.ByteSequenceValue.Span),
        SfItemKind.Boolean => Append(item.BooleanValue ? "?1" : "?0"),
        SfItemKind.Date => Append('@') && WriteInteger(item.DateValue),
        SfItemKind.DisplayString => WriteDisplayString(item.StringValue),
        _ => Fail("an item has no value"),
    };

    /// <summary>
    /// A bare item as read by <see cref="StructuredFieldReader"/> (already valid), in the same canonical form as
    /// <see cref="WriteBareItem(in SfBareItem)"/>: this is how the <c>sf</c> component path shares this writer without
    /// building the object model.
    /// </summary>
    public bool WriteBareItem(scoped in SfBareItemSpan item)
    {
        switch (item.Kind)
        {
            case SfItemKind.Integer:
                return WriteInteger(item.IntegerValue);
            case SfItemKind.Decimal:
                return WriteDecimal(item.DecimalValue);
            case SfItemKind.String:
                // The reader accepts only \" and \\ as escapes and requires them for a quote and a backslash: the raw text is already canonical.
                return Append('"') && Append(item.Raw) && Append('"');
            case SfItemKind.Token:
                // Read as a token, so already one (§4.2.6): no second validation.
                return Append(item.Raw);
            case SfItemKind.Boolean:
                return Append(item.BooleanValue ? "?1" : "?0");
            case SfItemKind.Date:
                return Append('@') && WriteInteger(item.DateValue);
            case SfItemKind.ByteSequence:
                return WriteEncodedByteSequence(item.Raw);
            case SfItemKind.DisplayString:
                return WriteEncodedDisplayString(item.Raw);
            default:
                return Fail("an item has no value");
        }
    }

    private bool WriteEncodedByteSequence(scoped ReadOnlySpan<char> raw)
    {
        byte[]? rented = null;
        int length = SfDecoding.GetDecodedByteSequenceLength(raw);
        Span<byte> bytes = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            return SfDecoding.TryDecodeByteSequence(raw, bytes, out int decoded)
                ? WriteByteSequence(bytes[..decoded])
                : Fail("byte sequence is not valid base64");
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool WriteEncodedDisplayString(scoped ReadOnlySpan<char> raw)
    {
        // Decoding never produces more UTF-16 units than there are input characters.
        char[]? rented = null;
        Span<char> chars = raw.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            return SfDecoding.TryDecodeDisplayString(raw, chars, out int decoded)
                ? WriteDisplayString(chars[..decoded])
                : Fail("display string is not valid");
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    public bool WriteKey(scoped ReadOnlySpan<char> key)
    {
        if (key.IsEmpty || !SfDecoding.IsKeyStart(key[0]))
        {
            return Fail("a key must start with a lowercase letter or '*'");
        }
        foreach (char c in key)
        {
            if (!SfDecoding.IsKeyChar(c))
            {
                return Fail("a key may contain lowercase letters, digits, '_', '-', '.' and '*' only");
            }
        }
        return Append(key);
    }

    public bool WriteInteger(long value)
    {
        if (value is > MaxInteger or < -MaxInteger)
        {
            return Fail("an integer has at most 15 digits");
        }
        if (!value.TryFormat(_destination[Position..], out int written, default, CultureInfo.InvariantCulture))
        {
            return Full();
        }
        Position += written;
        return true;
    }

    public bool WriteDecimal(decimal value)
    {
        decimal rounded = Math.Round(value, 3, MidpointRounding.ToEven);
        decimal magnitude = Math.Abs(rounded);
        decimal integerPart = Math.Truncate(magnitude);
        if (integerPart > MaxDecimalIntegerPart)
        {
            return Fail("a decimal has at most 12 integer digits");
        }
        int fraction = (int)((magnitude - integerPart) * 1000m);
        if (rounded < 0m && magnitude != 0m && !Append('-'))
        {
            return false;
        }
        if (!((long)integerPart).TryFormat(_destination[Position..], out int written, default, CultureInfo.InvariantCulture))
        {
            return Full();
        }
        Position += written;
        if (!Append('.'))
        {
            return false;
        }
        int digits = 3;
        while (digits > 1 && fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }
        Span<char> buffer = stackalloc char[3];
        for (int i = digits - 1; i >= 0; i--)
        {
            buffer[i] = (char)('0' + (fraction % 10));
            fraction /= 10;
        }
        return Append(buffer[..digits]);
    }

    public bool WriteString(scoped ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return Fail("a string may contain printable ASCII only");
            }
        }
        if (!Append('"'))
        {
            return false;
        }
        foreach (char c in value)
        {
            if ((c == '"' || c == '\\') && !Append('\\'))
            {
                return false;
            }
            if (!Append(c))
            {
                return false;
            }
        }
        return Append('"');
    }

    public bool WriteToken(scoped ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || !(value[0] == '*' || SfDecoding.IsAlpha(value[0])))
        {
            return Fail("a token must start with a letter or '*'");
        }
        foreach (char c in value)
        {
            if (!SfDecoding.IsTChar(c) && c != ':' && c != '/')
            {
                return Fail("a token may contain tchar, ':' and '/' only");
            }
        }
        return Append(value);
    }

    public bool WriteByteSequence(scoped ReadOnlySpan<byte> value)
    {
        if (!Append(':'))
        {
            return false;
        }
        if (!Convert.TryToBase64Chars(value, _destination[Position..], out int written))
        {
            return Full();
        }
        Position += written;
        return Append(':');
    }

    public bool WriteDisplayString(scoped ReadOnlySpan<char> value)
    {
        // Validate first so that an invalid value never leaves a partial write behind a false result.
        for (int i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value[i..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return Fail("a display string must be valid Unicode (no lone surrogates)");
            }
            i += consumed;
        }
        if (!Append("%\""))
        {
            return false;
        }
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < value.Length;)
        {
            Rune.DecodeFromUtf16(value[i..], out var rune, out int consumed);
            i += consumed;
            int length = rune.EncodeToUtf8(utf8);
            for (int j = 0; j < length; j++)
            {
                byte b = utf8[j];
                bool ok = b is (byte)'%' or (byte)'"' or < 0x20 or > 0x7E
                    ? Append('%') && Append(LowerHex(b >> 4)) && Append(LowerHex(b & 0xF))
                    : Append((char)b);
                if (!ok)
                {
                    return false;
                }
            }
        }
        return Append('"');
    }

    private static char LowerHex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    /// <summary>Appends structural text (separators, <c>=</c>, parentheses) as is.</summary>
    public bool Append(char c)
    {
        if (Position >= _destination.Length)
        {
            return Full();
        }
        _destination[Position++] = c;
        return true;
    }

    /// <summary>Appends structural text as is.</summary>
    public bool Append(scoped ReadOnlySpan<char> text)
    {
        if (!text.TryCopyTo(_destination[Position..]))
        {
            return Full();
        }
        Position += text.Length;
        return true;
    }

    private bool Fail(string reason)
    {
        Error ??= reason;
        return false;
    }

    private bool Full()
    {
        TooSmall = true;
        return false;
    }
}
