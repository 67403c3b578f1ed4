using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The SHA-256 of a token as a fixed-size value, the key of the validated-token cache, so the cache never holds
/// the token itself and a lookup allocates nothing.
/// </summary>
internal readonly struct TokenHash : IEquatable<TokenHash>
{
    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private TokenHash(ReadOnlySpan<byte> digest)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]);
    }

    /// <summary>Hashes the token's UTF-8 bytes (a stack buffer for usual sizes, a pooled one beyond).</summary>
    public static TokenHash Compute(ReadOnlySpan<char> token)
    {
        const int StackLimit = 2048;
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(token, buffer);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..written], digest);
            return new TokenHash(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public bool Equals(TokenHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is TokenHash other && Equals(other);

    // SHA-256 output is uniform: any 32 bits of it are a good hash code.
    public override int GetHashCode() => (int)_a;

    public static bool operator ==(TokenHash left, TokenHash right) => left.Equals(right);

    public static bool operator !=(TokenHash left, TokenHash right) => !left.Equals(right);
}
