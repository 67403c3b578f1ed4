using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The SHA-256 of a replay key's UTF-8 bytes. Stores keep this fixed-size digest instead of the caller's string so
/// that an attacker-chosen nonce of any length costs the same memory (or index space) as a short one.
/// </summary>
internal readonly struct ReplayKeyHash : IEquatable<ReplayKeyHash>
{
    /// <summary>Length of the digest in bytes.</summary>
    public const int Size = 32;

    // Keys up to this many UTF-8 bytes are encoded on the stack; longer ones use a pooled buffer.
    private const int StackBufferSize = 512;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private ReplayKeyHash(ReadOnlySpan<byte> digest)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]);
    }

    /// <summary>Hashes <paramref name="key"/>. Invalid UTF-16 (lone surrogates) is encoded as U+FFFD, as <see cref="Encoding.UTF8"/> does.</summary>
    public static ReplayKeyHash Compute(string key)
    {
        Span<byte> digest = stackalloc byte[Size];
        Compute(key, digest);
        return new ReplayKeyHash(digest);
    }

    /// <summary>Writes the 32-byte digest of <paramref name="key"/> to <paramref name="destination"/>.</summary>
    public static void Compute(string key, Span<byte> destination)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= StackBufferSize
            ? stackalloc byte[StackBufferSize]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int written = Encoding.UTF8.GetBytes(key, buffer);
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

    /// <inheritdoc />
    public bool Equals(ReplayKeyHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ReplayKeyHash other && Equals(other);

    // HashCode is seeded randomly per process, so a client cannot grind nonces that all land in one bucket.
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_a, _b);

    public static bool operator ==(ReplayKeyHash left, ReplayKeyHash right) => left.Equals(right);

    public static bool operator !=(ReplayKeyHash left, ReplayKeyHash right) => !left.Equals(right);
}
