using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Decoding of bare items read by <see cref="StructuredFieldReader"/> (string unescaping, byte sequences, display strings,
/// RFC 9651 §4.2.5-§4.2.10) and the character classes of the grammar. Separate from the reader so the pull parser reads as
/// the grammar and the decoders as their rules.
/// </summary>
internal static class SfDecoding
{
    /// <summary>
    /// Unescapes the raw content of a string item (<see cref="SfBareItemSpan.Raw"/>) into
    /// <paramref name="destination"/>. False when the raw text is malformed or the destination too small.
    /// </summary>
    public static bool TryUnescapeString(ReadOnlySpan<char> raw, Span<char> destination, out int written)
    {
        written = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '\\')
            {
                if (++i >= raw.Length || (raw[i] != '"' && raw[i] != '\\'))
                {
                    written = 0;
                    return false;
                }
                c = raw[i];
            }
            else if (c < 0x20 || c > 0x7E || c == '"')
            {
                written = 0;
                return false;
            }
            if (written >= destination.Length)
            {
                written = 0;
                return false;
            }
            destination[written++] = c;
        }
        return true;
    }

    /// <summary>Unescapes the raw content of a string item into a new string; false when the raw text is malformed.</summary>
    public static bool TryUnescapeString(ReadOnlySpan<char> raw, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (raw.IndexOf('\\') < 0)
        {
            if (raw.ContainsAnyExcept(StructuredFieldReader.PlainStringChars))
            {
                return false;
            }
            value = raw.ToString();
            return true;
        }
        int length = GetUnescapedStringLength(raw);
        char[] buffer = new char[length];
        if (!TryUnescapeString(raw, buffer, out int written))
        {
            return false;
        }
        value = new string(buffer, 0, written);
        return true;
    }

    /// <summary>The number of characters the raw content of a string item unescapes to.</summary>
    public static int GetUnescapedStringLength(ReadOnlySpan<char> raw)
    {
        int length = 0;
        for (int i = 0; i < raw.Length; i++, length++)
        {
            if (raw[i] == '\\')
            {
                i++;
            }
        }
        return length;
    }

    /// <summary>
    /// Decodes the base64 text of a byte sequence item (<see cref="SfBareItemSpan.Raw"/>) into
    /// <paramref name="destination"/>. Missing padding and non-zero pad bits are accepted (RFC 9651 §4.2.7);
    /// false when the text is not base64 or the destination is too small.
    /// </summary>
    public static bool TryDecodeByteSequence(ReadOnlySpan<char> raw, Span<byte> destination, out int written)
    {
        written = 0;
        if (!IsValidBase64(raw))
        {
            return false;
        }
        int length = GetDecodedByteSequenceLength(raw);
        if (length > destination.Length)
        {
            return false;
        }
        raw = raw.TrimEnd('=');
        int acc = 0;
        int bits = 0;
        foreach (char c in raw)
        {
            acc = (acc << 6) | Base64Value(c);
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                destination[written++] = (byte)(acc >> bits);
                acc &= (1 << bits) - 1;
            }
        }
        return true;
    }

    /// <summary>Decodes the base64 text of a byte sequence item into a new array; false when it is not base64.</summary>
    public static bool TryDecodeByteSequence(ReadOnlySpan<char> raw, [NotNullWhen(true)] out byte[]? value)
    {
        value = null;
        if (!IsValidBase64(raw))
        {
            return false;
        }
        var bytes = new byte[GetDecodedByteSequenceLength(raw)];
        if (!TryDecodeByteSequence(raw, bytes, out _))
        {
            return false;
        }
        value = bytes;
        return true;
    }

    /// <summary>The number of bytes the base64 text of a byte sequence item decodes to.</summary>
    public static int GetDecodedByteSequenceLength(ReadOnlySpan<char> raw)
    {
        int chars = raw.TrimEnd('=').Length;
        return (chars * 6) / 8;
    }

    /// <summary>
    /// Decodes the raw content of a display string item (percent-encoded UTF-8) into UTF-16
    /// <paramref name="destination"/>. False when it is malformed or the destination is too small.
    /// </summary>
    public static bool TryDecodeDisplayString(ReadOnlySpan<char> raw, Span<char> destination, out int written)
    {
        written = 0;
        var utf8 = default(Utf8Decoder);
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c < 0x20 || c > 0x7E || c == '"')
            {
                written = 0;
                return false;
            }
            byte b = (byte)c;
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !TryLowerHex(raw[i + 1], raw[i + 2], out b))
                {
                    written = 0;
                    return false;
                }
                i += 2;
            }
            int status = utf8.Push(b);
            if (status == Utf8Decoder.Invalid)
            {
                written = 0;
                return false;
            }
            if (status == Utf8Decoder.CodePointReady)
            {
                var rune = new System.Text.Rune(utf8.CodePoint);
                if (!rune.TryEncodeToUtf16(destination[written..], out int units))
                {
                    written = 0;
                    return false;
                }
                written += units;
            }
        }
        if (!utf8.IsComplete)
        {
            written = 0;
            return false;
        }
        return true;
    }

    /// <summary>Decodes the raw content of a display string item into a new string; false when it is malformed.</summary>
    public static bool TryDecodeDisplayString(ReadOnlySpan<char> raw, [NotNullWhen(true)] out string? value)
    {
        value = null;
        int length = GetDecodedDisplayStringLength(raw);
        if (length < 0)
        {
            return false;
        }
        char[] buffer = new char[length];
        if (!TryDecodeDisplayString(raw, buffer, out int written))
        {
            return false;
        }
        value = new string(buffer, 0, written);
        return true;
    }

    /// <summary>The number of UTF-16 code units the raw content of a display string item decodes to, or -1 when it is malformed.</summary>
    public static int GetDecodedDisplayStringLength(ReadOnlySpan<char> raw)
    {
        int length = 0;
        var utf8 = default(Utf8Decoder);
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = (byte)raw[i];
            if (raw[i] == '%')
            {
                if (i + 2 >= raw.Length || !TryLowerHex(raw[i + 1], raw[i + 2], out b))
                {
                    return -1;
                }
                i += 2;
            }
            int status = utf8.Push(b);
            if (status == Utf8Decoder.Invalid)
            {
                return -1;
            }
            if (status == Utf8Decoder.CodePointReady)
            {
                length += utf8.CodePoint > 0xFFFF ? 2 : 1;
            }
        }
        return utf8.IsComplete ? length : -1;
    }

    internal static bool IsValidBase64(ReadOnlySpan<char> raw)
    {
        var data = raw.TrimEnd('=');
        int padding = raw.Length - data.Length;
        if (padding > 2 || data.Length % 4 == 1 || (padding > 0 && raw.Length % 4 != 0))
        {
            return false;
        }
        // Vectorized: every signature value passes through here.
        return !data.ContainsAnyExcept(Base64Alphabet);
    }

    private static readonly System.Buffers.SearchValues<char> Base64Alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    private static int Base64Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };

    internal static bool TryLowerHex(char high, char low, out byte value)
    {
        int h = LowerHexValue(high);
        int l = LowerHexValue(low);
        value = (byte)((h << 4) | l);
        return h >= 0 && l >= 0;
    }

    private static int LowerHexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    internal static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    internal static bool IsAlpha(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    internal static bool IsKeyStart(char c) => (uint)(c - 'a') <= 'z' - 'a' || c == '*';

    internal static bool IsKeyChar(char c) =>
        (uint)(c - 'a') <= 'z' - 'a' || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';

    // RFC 9110 tchar.
    internal static bool IsTChar(char c) =>
        IsAlpha(c) || IsDigit(c) || c switch
        {
            '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~' => true,
            _ => false,
        };
}
