using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The SHA-256 of a client-supplied string (a token, a replay key) as a fixed-size dictionary key: the cache never keeps the
/// value itself, an attacker-chosen value costs a fixed 32 bytes, and computing it allocates nothing.
/// </summary>
internal readonly struct Sha256Key : IEquatable<Sha256Key>
{
    /// <summary>Length of the digest in bytes.</summary>
    public const int Size = 32;

    // Values up to this many UTF-8 bytes are encoded on the stack; longer ones use a pooled buffer.
    private const int StackBufferSize = 2048;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private Sha256Key(ReadOnlySpan<byte> digest)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]);
    }

    /// <summary>Hashes the UTF-8 bytes of <paramref name="value"/>. Lone surrogates become U+FFFD, as <see cref="Encoding.UTF8"/> does.</summary>
    public static Sha256Key Compute(ReadOnlySpan<char> value)
    {
        Span<byte> digest = stackalloc byte[Size];
        Compute(value, digest);
        return new Sha256Key(digest);
    }

    /// <summary>Writes the 32-byte digest of <paramref name="value"/> to <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackBufferSize ? stackalloc byte[StackBufferSize] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var written = Encoding.UTF8.GetBytes(value, buffer);
            SHA256.HashData(buffer[..written], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public bool Equals(Sha256Key other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is Sha256Key other && Equals(other);

    // HashCode is seeded per process, so a client cannot grind values that all land in one bucket.
    public override int GetHashCode() => HashCode.Combine(_a, _b);

    public static bool operator ==(Sha256Key left, Sha256Key right) => left.Equals(right);

    public static bool operator !=(Sha256Key left, Sha256Key right) => !left.Equals(right);
}
