using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// RFC 9421 §2.2.8 <c>@query-param</c>: the query is parsed as <c>application/x-www-form-urlencoded</c> (WHATWG URL
/// §5.1: split on <c>&amp;</c>, first <c>=</c>, <c>+</c> is a space, percent-decode, UTF-8 decode) and each name and
/// value is re-encoded with the form-urlencoded percent-encode set, spaces as <c>%20</c>. Works in stack or pooled
/// buffers; the common case allocates nothing.
/// </summary>
internal static class QueryParameters
{
    private const int StackLimit = 256;

    /// <summary>Writes the re-encoded value of the single parameter whose re-encoded name is <paramref name="encodedName"/>.</summary>
    public static bool TryWriteValue(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> query, scoped ReadOnlySpan<char> encodedName, out ComponentError error)
    {
        var found = -1;
        var foundLength = 0;
        var remaining = query;
        var offset = 0;
        while (true)
        {
            var amp = remaining.IndexOf('&');
            var pair = amp < 0 ? remaining : remaining[..amp];
            if (!pair.IsEmpty)
            {
                var eq = pair.IndexOf('=');
                var name = eq < 0 ? pair : pair[..eq];
                if (EncodedEquals(name, encodedName))
                {
                    if (found >= 0)
                    {
                        error = ComponentError.QueryParamRepeated;
                        return false;
                    }
                    found = eq < 0 ? offset + pair.Length : offset + eq + 1;
                    foundLength = eq < 0 ? 0 : pair.Length - eq - 1;
                }
            }
            if (amp < 0)
            {
                break;
            }
            offset += amp + 1;
            remaining = remaining[(amp + 1)..];
        }
        if (found < 0)
        {
            error = ComponentError.QueryParamNotFound;
            return false;
        }
        return TryWriteReencoded(ref writer, query.Slice(found, foundLength), out error);
    }

    /// <summary>Whether the re-encoding of <paramref name="raw"/> equals <paramref name="encoded"/>.</summary>
    private static bool EncodedEquals(ReadOnlySpan<char> raw, ReadOnlySpan<char> encoded)
    {
        var writer = new SignatureBaseWriter(StackLimit, int.MaxValue);
        try
        {
            return TryWriteReencoded(ref writer, raw, out _) && Ascii.Equals(writer.Written, encoded);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Decodes <paramref name="raw"/> as a form-urlencoded name or value and writes it percent-encoded again.</summary>
    public static bool TryWriteReencoded(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> raw, out ComponentError error)
    {
        byte[]? rented = null;
        var bytes = raw.Length * 3 <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length * 3));
        try
        {
            var length = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '+')
                {
                    bytes[length++] = (byte)' ';
                }
                else if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
                {
                    bytes[length++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    bytes[length++] = (byte)c;
                }
                else
                {
                    // A raw non-ASCII character in the target: UTF-8 encode it as the URL parser would.
                    var count = char.IsHighSurrogate(c) && i + 1 < raw.Length ? 2 : 1;
                    length += Encoding.UTF8.GetBytes(raw.Slice(i, count), bytes[length..]);
                    i += count - 1;
                }
            }
            var decoded = bytes[..length];
            if (!Utf8.IsValid(decoded))
            {
                // WHATWG "UTF-8 decode without BOM": invalid sequences become U+FFFD, which re-encodes as EF BF BD.
                var text = Encoding.UTF8.GetString(decoded);
                return WriteEncoded(ref writer, Encoding.UTF8.GetBytes(text), out error);
            }
            return WriteEncoded(ref writer, decoded, out error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool WriteEncoded(ref SignatureBaseWriter writer, scoped ReadOnlySpan<byte> bytes, out ComponentError error)
    {
        foreach (var b in bytes)
        {
            bool ok;
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                ok = writer.TryAppend(b);
            }
            else
            {
                ok = writer.TryAppend((byte)'%') && writer.TryAppend(HexDigit(b >> 4)) && writer.TryAppend(HexDigit(b & 0xF));
            }
            if (!ok)
            {
                error = ComponentError.SignatureBaseTooLarge;
                return false;
            }
        }
        error = default;
        return true;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'A' + value - 10);
}
