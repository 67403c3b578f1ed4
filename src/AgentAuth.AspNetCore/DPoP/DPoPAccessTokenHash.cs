using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>The proof's <c>ath</c> claim: base64url(SHA-256(ASCII access token)), no padding (RFC 9449 §4.2).</summary>
internal static class DPoPAccessTokenHash
{
    /// <summary>The length of a base64url SHA-256 hash without padding.</summary>
    public const int EncodedLength = 43;

    private const int StackLimit = 1024;

    /// <summary>Whether <paramref name="ath"/> is the hash of <paramref name="accessToken"/>; the comparison takes the same time wherever they differ.</summary>
    public static bool Matches(string accessToken, ReadOnlySpan<char> ath)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        Span<char> expected = stackalloc char[EncodedLength];
        Compute(accessToken, expected);
        if (ath.Length != EncodedLength)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected), MemoryMarshal.AsBytes(ath));
    }

    /// <summary>The <c>ath</c> value for <paramref name="accessToken"/>.</summary>
    public static string Compute(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        Span<char> encoded = stackalloc char[EncodedLength];
        Compute(accessToken, encoded);
        return new string(encoded);
    }

    private static void Compute(string accessToken, Span<char> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(accessToken);
        byte[]? rented = null;
        try
        {
            var bytes = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
            var written = Encoding.UTF8.GetBytes(accessToken, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            Base64Url.EncodeToChars(hash, destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
