using System.Buffers;
using System.Security.Cryptography;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures.Digests;

/// <summary>
/// RFC 9530 <c>Content-Digest</c>: computes the field value (<c>sha-256=:…:</c>) and verifies a received field
/// against the content bytes. Only <c>sha-256</c> and <c>sha-512</c> count; deprecated and unknown algorithms are
/// ignored, and every supported digest present must match. A digest binds the body only when the field is also
/// covered by a verified signature.
/// </summary>
public static class ContentDigest
{
    /// <summary>The field name.</summary>
    public const string FieldName = "Content-Digest";

    /// <summary>The dictionary key of SHA-256.</summary>
    public const string Sha256Key = "sha-256";

    /// <summary>The dictionary key of SHA-512.</summary>
    public const string Sha512Key = "sha-512";

    private const int StreamBufferSize = 16 * 1024;

    /// <summary>The dictionary key of <paramref name="algorithm"/>.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns><c>sha-256</c> or <c>sha-512</c>.</returns>
    public static string GetKey(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => Sha256Key,
        DigestAlgorithm.Sha512 => Sha512Key,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unsupported digest algorithm."),
    };

    /// <summary>The length in characters of the field value <see cref="Compute(ReadOnlySpan{byte}, DigestAlgorithm)"/> returns.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>The value length.</returns>
    public static int GetFieldValueLength(DigestAlgorithm algorithm) =>
        GetKey(algorithm).Length + 3 + (((HashSize(algorithm) + 2) / 3) * 4);

    /// <summary>Computes the field value for <paramref name="content"/>, for example <c>sha-256=:X48E9q…=:</c>.</summary>
    /// <param name="content">The message content (after transfer coding is removed, with content coding applied).</param>
    /// <param name="algorithm">The digest algorithm.</param>
    /// <returns>The field value.</returns>
    public static string Compute(ReadOnlySpan<byte> content, DigestAlgorithm algorithm)
    {
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var written = HashData(algorithm, content, hash);
        return Format(algorithm, hash[..written]);
    }

    /// <summary>Computes the field value into a caller buffer.</summary>
    /// <param name="content">The message content.</param>
    /// <param name="algorithm">The digest algorithm.</param>
    /// <param name="destination">Receives the value; needs <see cref="GetFieldValueLength"/> characters.</param>
    /// <param name="charsWritten">The number of characters written.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public static bool TryCompute(ReadOnlySpan<byte> content, DigestAlgorithm algorithm, Span<char> destination, out int charsWritten)
    {
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var written = HashData(algorithm, content, hash);
        return TryFormat(algorithm, hash[..written], destination, out charsWritten);
    }

    /// <summary>Computes the field value over a (possibly multi-segment) buffer.</summary>
    /// <param name="content">The message content.</param>
    /// <param name="algorithm">The digest algorithm.</param>
    /// <returns>The field value.</returns>
    public static string Compute(in ReadOnlySequence<byte> content, DigestAlgorithm algorithm)
    {
        if (content.IsSingleSegment)
        {
            return Compute(content.FirstSpan, algorithm);
        }
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        using var incremental = IncrementalHash.CreateHash(HashName(algorithm));
        foreach (var segment in content)
        {
            incremental.AppendData(segment.Span);
        }
        var written = incremental.GetHashAndReset(hash);
        return Format(algorithm, hash[..written]);
    }

    /// <summary>Computes the field value by reading <paramref name="content"/> to its end with a pooled buffer.</summary>
    /// <param name="content">The content stream; read from its current position.</param>
    /// <param name="algorithm">The digest algorithm.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The field value.</returns>
    public static async ValueTask<string> ComputeAsync(Stream content, DigestAlgorithm algorithm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var incremental = IncrementalHash.CreateHash(HashName(algorithm));
        var buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, StreamBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                incremental.AppendData(buffer, 0, read);
            }
            var written = incremental.GetHashAndReset(buffer);
            return Format(algorithm, buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Verifies a <c>Content-Digest</c> field value against the content. Never throws for bad input.</summary>
    /// <param name="fieldValue">The field value (several field lines joined with <c>", "</c>).</param>
    /// <param name="content">The received content.</param>
    /// <returns>The verification result.</returns>
    public static ContentDigestVerificationResult Verify(ReadOnlySpan<char> fieldValue, ReadOnlySpan<byte> content)
    {
        var needed = Inspect(fieldValue);
        if (needed.Result is { } early)
        {
            return early;
        }
        Span<byte> sha256 = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> sha512 = stackalloc byte[SHA512.HashSizeInBytes];
        if (needed.Sha256)
        {
            SHA256.HashData(content, sha256);
        }
        if (needed.Sha512)
        {
            SHA512.HashData(content, sha512);
        }
        return Compare(fieldValue, sha256, sha512);
    }

    /// <summary>Verifies a <c>Content-Digest</c> field value against a (possibly multi-segment) buffer.</summary>
    /// <param name="fieldValue">The field value.</param>
    /// <param name="content">The received content.</param>
    /// <returns>The verification result.</returns>
    public static ContentDigestVerificationResult Verify(ReadOnlySpan<char> fieldValue, in ReadOnlySequence<byte> content)
    {
        if (content.IsSingleSegment)
        {
            return Verify(fieldValue, content.FirstSpan);
        }
        var needed = Inspect(fieldValue);
        if (needed.Result is { } early)
        {
            return early;
        }
        Span<byte> sha256 = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> sha512 = stackalloc byte[SHA512.HashSizeInBytes];
        using var hash256 = needed.Sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        using var hash512 = needed.Sha512 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA512) : null;
        foreach (var segment in content)
        {
            hash256?.AppendData(segment.Span);
            hash512?.AppendData(segment.Span);
        }
        hash256?.GetHashAndReset(sha256);
        hash512?.GetHashAndReset(sha512);
        return Compare(fieldValue, sha256, sha512);
    }

    /// <summary>
    /// Verifies a <c>Content-Digest</c> field value against a content stream read to its end with a pooled buffer.
    /// The field is checked before any content is read, so a malformed field costs no I/O.
    /// </summary>
    /// <param name="fieldValue">The field value.</param>
    /// <param name="content">The content stream; read from its current position.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The verification result.</returns>
    public static async ValueTask<ContentDigestVerificationResult> VerifyAsync(string fieldValue, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        ArgumentNullException.ThrowIfNull(content);
        var needed = Inspect(fieldValue);
        if (needed.Result is { } early)
        {
            return early;
        }
        using var hash256 = needed.Sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        using var hash512 = needed.Sha512 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA512) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, StreamBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash256?.AppendData(buffer, 0, read);
                hash512?.AppendData(buffer, 0, read);
            }
            // Both digests fit in the pooled buffer: SHA-256 at 0, SHA-512 at 64.
            hash256?.GetHashAndReset(buffer.AsSpan(0, SHA256.HashSizeInBytes));
            hash512?.GetHashAndReset(buffer.AsSpan(64, SHA512.HashSizeInBytes));
            return Compare(fieldValue, buffer.AsSpan(0, SHA256.HashSizeInBytes), buffer.AsSpan(64, SHA512.HashSizeInBytes));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private readonly record struct Needed(ContentDigestVerificationResult? Result, bool Sha256, bool Sha512);

    /// <summary>First pass: syntax, value shapes of supported keys, and which digests to compute.</summary>
    private static Needed Inspect(ReadOnlySpan<char> fieldValue)
    {
        var reader = new StructuredFieldReader(fieldValue);
        bool sha256 = false, sha512 = false;
        if (reader.IsAtEnd)
        {
            return new Needed(ContentDigestVerificationResult.NoSupportedAlgorithm, false, false);
        }
        while (true)
        {
            if (!TryReadMember(ref reader, out var algorithm, out var valid))
            {
                return new Needed(ContentDigestVerificationResult.Malformed, false, false);
            }
            if (algorithm is { } known)
            {
                if (!valid)
                {
                    return new Needed(ContentDigestVerificationResult.Malformed, false, false);
                }
                sha256 |= known == DigestAlgorithm.Sha256;
                sha512 |= known == DigestAlgorithm.Sha512;
            }
            if (!reader.TryReadMemberSeparator(out var end))
            {
                return new Needed(ContentDigestVerificationResult.Malformed, false, false);
            }
            if (end)
            {
                break;
            }
        }
        return sha256 || sha512
            ? new Needed(null, sha256, sha512)
            : new Needed(ContentDigestVerificationResult.NoSupportedAlgorithm, false, false);
    }

    /// <summary>Second pass over a field <see cref="Inspect"/> accepted: every supported member must match.</summary>
    private static ContentDigestVerificationResult Compare(ReadOnlySpan<char> fieldValue, ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> sha512)
    {
        var reader = new StructuredFieldReader(fieldValue);
        Span<byte> decoded = stackalloc byte[SHA512.HashSizeInBytes];
        while (true)
        {
            if (!reader.TryReadDictionaryKey(out var key, out var hasValue))
            {
                return ContentDigestVerificationResult.Malformed;
            }
            var algorithm = Recognize(key);
            if (algorithm is { } known && hasValue && !reader.IsInnerListNext)
            {
                if (!reader.TryReadBareItem(out var item)
                    || !SfDecoding.TryDecodeByteSequence(item.Raw, decoded, out var written)
                    || !reader.TrySkipParameters())
                {
                    return ContentDigestVerificationResult.Malformed;
                }
                var expected = known == DigestAlgorithm.Sha256 ? sha256 : sha512;
                if (written != expected.Length || !CryptographicOperations.FixedTimeEquals(decoded[..written], expected))
                {
                    return ContentDigestVerificationResult.Mismatch;
                }
            }
            else if ((hasValue && !reader.TrySkipMember()) || (!hasValue && !reader.TrySkipParameters()))
            {
                return ContentDigestVerificationResult.Malformed;
            }
            if (!reader.TryReadMemberSeparator(out var end))
            {
                return ContentDigestVerificationResult.Malformed;
            }
            if (end)
            {
                return ContentDigestVerificationResult.Valid;
            }
        }
    }

    /// <summary>
    /// Reads one dictionary member. <paramref name="algorithm"/> is set for a supported key; <paramref name="valid"/>
    /// then says whether its value is a byte sequence of exactly the digest length.
    /// </summary>
    private static bool TryReadMember(ref StructuredFieldReader reader, out DigestAlgorithm? algorithm, out bool valid)
    {
        valid = false;
        algorithm = null;
        if (!reader.TryReadDictionaryKey(out var key, out var hasValue))
        {
            return false;
        }
        algorithm = Recognize(key);
        if (!hasValue)
        {
            // A bare key is boolean true: never a digest.
            return reader.TrySkipParameters();
        }
        if (algorithm is null || reader.IsInnerListNext)
        {
            return reader.TrySkipMember();
        }
        if (!reader.TryReadBareItem(out var item))
        {
            return false;
        }
        valid = item.Kind == SfItemKind.ByteSequence
            && SfDecoding.IsValidBase64(item.Raw)
            && SfDecoding.GetDecodedByteSequenceLength(item.Raw) == HashSize(algorithm.Value);
        return reader.TrySkipParameters();
    }

    private static DigestAlgorithm? Recognize(ReadOnlySpan<char> key) => key switch
    {
        Sha256Key => DigestAlgorithm.Sha256,
        Sha512Key => DigestAlgorithm.Sha512,
        _ => null,
    };

    private static int HashSize(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => SHA256.HashSizeInBytes,
        DigestAlgorithm.Sha512 => SHA512.HashSizeInBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unsupported digest algorithm."),
    };

    private static HashAlgorithmName HashName(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        DigestAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unsupported digest algorithm."),
    };

    private static int HashData(DigestAlgorithm algorithm, ReadOnlySpan<byte> content, Span<byte> destination) => algorithm switch
    {
        DigestAlgorithm.Sha256 => SHA256.HashData(content, destination),
        DigestAlgorithm.Sha512 => SHA512.HashData(content, destination),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unsupported digest algorithm."),
    };

    private static string Format(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        Span<char> buffer = stackalloc char[128];
        TryFormat(algorithm, hash, buffer, out var written);
        return new string(buffer[..written]);
    }

    private static bool TryFormat(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash, Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        var key = GetKey(algorithm);
        var length = GetFieldValueLength(algorithm);
        if (destination.Length < length)
        {
            return false;
        }
        key.CopyTo(destination);
        var position = key.Length;
        destination[position++] = '=';
        destination[position++] = ':';
        if (!Convert.TryToBase64Chars(hash, destination[position..], out var base64Length))
        {
            return false;
        }
        position += base64Length;
        destination[position++] = ':';
        charsWritten = position;
        return true;
    }
}
