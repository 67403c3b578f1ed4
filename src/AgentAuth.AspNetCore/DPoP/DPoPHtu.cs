using System.Buffers;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Compares a proof's <c>htu</c> with the request URI (RFC 9449 §4.3, the <c>htu</c> check) after both are normalized
/// by <see cref="HttpUriNormalizer"/>. Query and fragment are ignored; only <c>http</c> and <c>https</c> URIs match.
/// </summary>
internal static class DPoPHtu
{
    private const int StackLimit = 512;

    /// <summary>
    /// Whether <paramref name="htu"/> names the request made to <paramref name="publicOrigin"/> (for example
    /// <c>https://api.example.com:8443</c>, as the client sees it) with the raw origin-form
    /// <paramref name="rawTarget"/> (path and optional query, never decoded). Any other form of target matches nothing.
    /// </summary>
    public static bool Matches(ReadOnlySpan<char> htu, ReadOnlySpan<char> publicOrigin, ReadOnlySpan<char> rawTarget)
    {
        // The origin is scheme://authority (configured, or the request's Host as received). It is not trimmed: a trailing
        // '/' can only come from a Host value that is not an authority, and trimming it would let that request match.
        var pathEnd = rawTarget.IndexOfAny('?', '#');
        if (pathEnd >= 0)
        {
            rawTarget = rawTarget[..pathEnd];
        }
        if (!rawTarget.IsEmpty && rawTarget[0] != '/')
        {
            // Absolute form (RFC 9112 §3.2.2) is for proxies; the handler refuses it before any proof is read, and the
            // htu check agrees with it instead of deriving a URI the signature base and routing would not use.
            return false;
        }

        char[]? rentedRequest = null;
        char[]? rentedNormalized = null;
        char[]? rentedHtu = null;
        try
        {
            var requestLength = publicOrigin.Length + rawTarget.Length;
            var request = requestLength <= StackLimit
                ? stackalloc char[StackLimit]
                : (rentedRequest = ArrayPool<char>.Shared.Rent(requestLength));
            publicOrigin.CopyTo(request);
            rawTarget.CopyTo(request[publicOrigin.Length..]);
            request = request[..requestLength];

            var normalizedBound = HttpUriNormalizer.MaxNormalizedLength(requestLength);
            var normalized = normalizedBound <= StackLimit
                ? stackalloc char[StackLimit]
                : (rentedNormalized = ArrayPool<char>.Shared.Rent(normalizedBound));
            if (!HttpUriNormalizer.TryNormalize(request, normalized, out var normalizedLength))
            {
                return false;
            }

            var htuBound = HttpUriNormalizer.MaxNormalizedLength(htu.Length);
            var htuNormalized = htuBound <= StackLimit
                ? stackalloc char[StackLimit]
                : (rentedHtu = ArrayPool<char>.Shared.Rent(htuBound));
            if (!HttpUriNormalizer.TryNormalize(htu, htuNormalized, out var htuLength))
            {
                return false;
            }
            return htuNormalized[..htuLength].SequenceEqual(normalized[..normalizedLength]);
        }
        finally
        {
            if (rentedRequest is not null) { ArrayPool<char>.Shared.Return(rentedRequest); }
            if (rentedNormalized is not null) { ArrayPool<char>.Shared.Return(rentedNormalized); }
            if (rentedHtu is not null) { ArrayPool<char>.Shared.Return(rentedHtu); }
        }
    }
}
