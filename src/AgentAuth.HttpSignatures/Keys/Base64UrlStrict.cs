using System.Buffers.Text;

namespace AgentAuth.HttpSignatures.Keys;

/// <summary>
/// Strict base64url (RFC 7515 §2, RFC 4648 §5): URL alphabet only, no padding, no whitespace, and the unused
/// trailing bits must be zero, so every byte string has exactly one accepted encoding.
/// </summary>
internal static class Base64UrlStrict
{
    /// <summary>Validates <paramref name="value"/> and returns the number of bytes it decodes to.</summary>
    public static bool TryGetDecodedLength(ReadOnlySpan<char> value, out int length)
    {
        length = 0;
        if (value.IsEmpty)
        {
            return false;
        }
        var remainder = value.Length % 4;
        if (remainder == 1)
        {
            return false;
        }
        for (var i = 0; i < value.Length; i++)
        {
            if (ValueOf(value[i]) < 0)
            {
                return false;
            }
        }
        var last = ValueOf(value[^1]);
        if ((remainder == 2 && (last & 0x0f) != 0) || (remainder == 3 && (last & 0x03) != 0))
        {
            return false;
        }
        length = (value.Length / 4 * 3) + (remainder == 0 ? 0 : remainder - 1);
        return true;
    }

    /// <summary>Decodes a value already accepted by <see cref="TryGetDecodedLength"/>.</summary>
    public static byte[] Decode(string value)
    {
        if (!TryGetDecodedLength(value, out var length))
        {
            throw new FormatException("Not strict base64url.");
        }
        var bytes = new byte[length];
        var written = Base64Url.DecodeFromChars(value, bytes);
        return written == length ? bytes : throw new FormatException("Not strict base64url.");
    }

    /// <summary>Decodes into a caller buffer; false when the value is not strict base64url or does not fit.</summary>
    public static bool TryDecode(ReadOnlySpan<char> value, Span<byte> destination, out int written)
    {
        written = 0;
        if (!TryGetDecodedLength(value, out var length) || length > destination.Length)
        {
            return false;
        }
        return Base64Url.TryDecodeFromChars(value, destination, out written) && written == length;
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>
    /// Whether a value already accepted by <see cref="TryGetDecodedLength"/> decodes to bytes whose first byte is zero:
    /// the first character carries the byte's top six bits and the top two of the second character's six bits the rest.
    /// </summary>
    public static bool HasLeadingZeroByte(ReadOnlySpan<char> value) =>
        value.Length >= 2 && ValueOf(value[0]) == 0 && ValueOf(value[1]) < 16;

    private static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}
