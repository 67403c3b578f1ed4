using System.Buffers.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Canonical base64url (RFC 7515 §2) for JWS segments: the URL-safe alphabet only, no padding, no whitespace and
/// zero unused trailing bits, so every byte string has exactly one accepted encoding.
/// </summary>
internal static class StrictBase64Url
{
    /// <summary>The decoded length of a valid encoding of <paramref name="encodedLength"/> characters, or -1 when no valid encoding has that length.</summary>
    public static int GetDecodedLength(int encodedLength)
    {
        var remainder = encodedLength & 3;
        if (remainder == 1)
        {
            return -1;
        }
        return (encodedLength >> 2) * 3 + (remainder == 0 ? 0 : remainder - 1);
    }

    /// <summary>Decodes <paramref name="source"/> into <paramref name="destination"/>; <see langword="false"/> for any non-canonical input.</summary>
    public static bool TryDecode(ReadOnlySpan<char> source, Span<byte> destination, out int written)
    {
        written = 0;
        var length = GetDecodedLength(source.Length);
        if (length < 0 || destination.Length < length)
        {
            return false;
        }
        var last = 0;
        foreach (var c in source)
        {
            last = ValueOf(c);
            if (last < 0)
            {
                return false;
            }
        }
        // The last character of a partial group carries bits that no byte uses; they must be zero.
        var remainder = source.Length & 3;
        if ((remainder == 2 && (last & 0x0F) != 0) || (remainder == 3 && (last & 0x03) != 0))
        {
            return false;
        }
        if (Base64Url.DecodeFromChars(source, destination, out _, out written) != System.Buffers.OperationStatus.Done)
        {
            written = 0;
            return false;
        }
        return written == length;
    }

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
