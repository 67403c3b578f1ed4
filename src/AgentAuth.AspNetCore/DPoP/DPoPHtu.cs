using System.Buffers;
using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Compares a proof's <c>htu</c> with the request URI (RFC 9449 §4.3 check 9) after RFC 3986 §6.2.2 syntax-based
/// and §6.2.3 scheme-based normalization: scheme and host lower-cased, default port dropped, empty path made "/",
/// percent-encoded unreserved characters decoded and other percent-encodings upper-cased, dot segments removed.
/// Query and fragment are ignored; the path stays case-sensitive. Only <c>http</c> and <c>https</c> URIs match.
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

            var normalizedBound = MaxNormalizedLength(requestLength);
            var normalized = normalizedBound <= StackLimit
                ? stackalloc char[StackLimit]
                : (rentedNormalized = ArrayPool<char>.Shared.Rent(normalizedBound));
            if (!TryNormalize(request, normalized, out var normalizedLength))
            {
                return false;
            }

            var htuBound = MaxNormalizedLength(htu.Length);
            var htuNormalized = htuBound <= StackLimit
                ? stackalloc char[StackLimit]
                : (rentedHtu = ArrayPool<char>.Shared.Rent(htuBound));
            if (!TryNormalize(htu, htuNormalized, out var htuLength))
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

    /// <summary>The destination size <see cref="TryNormalize"/> needs for an input of <paramref name="length"/> characters.</summary>
    // A non-ASCII character expands to at most three percent-encoded UTF-8 bytes (9 chars); an empty path adds "/".
    public static int MaxNormalizedLength(int length) => length * 9 + 1;

    /// <summary>Normalizes an absolute http(s) URI to <c>scheme://host[:port]path</c>; <see langword="false"/> when it is not one.</summary>
    public static bool TryNormalize(ReadOnlySpan<char> uri, Span<char> destination, out int written)
    {
        written = 0;
        if (destination.Length < MaxNormalizedLength(uri.Length))
        {
            return false;
        }

        var colon = uri.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }
        var scheme = uri[..colon];
        bool https;
        if (scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            https = true;
        }
        else if (scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            https = false;
        }
        else
        {
            return false;
        }
        var rest = uri[(colon + 1)..];
        if (!rest.StartsWith("//"))
        {
            return false;
        }
        rest = rest[2..];

        var authorityEnd = rest.IndexOfAny('/', '?', '#');
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var path = authorityEnd < 0 ? ReadOnlySpan<char>.Empty : rest[authorityEnd..];
        var pathEnd = path.IndexOfAny('?', '#');
        if (pathEnd >= 0)
        {
            path = path[..pathEnd];
        }

        var w = 0;
        (https ? "https://" : "http://").CopyTo(destination);
        w += https ? 8 : 7;

        if (!TryWriteAuthority(authority, https ? 443 : 80, destination, ref w))
        {
            return false;
        }

        var pathStart = w;
        if (!TryWritePath(path, destination, ref w))
        {
            return false;
        }
        w = pathStart + RemoveDotSegments(destination[pathStart..w]);
        if (w == pathStart)
        {
            destination[w++] = '/';
        }
        written = w;
        return true;
    }

    private static bool TryWriteAuthority(ReadOnlySpan<char> authority, int defaultPort, Span<char> destination, ref int w)
    {
        if (authority.IndexOf('@') >= 0)
        {
            return false; // userinfo has no place in an htu
        }
        ReadOnlySpan<char> host;
        var port = ReadOnlySpan<char>.Empty;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }
            host = authority[..(close + 1)];
            var tail = authority[(close + 1)..];
            if (!tail.IsEmpty)
            {
                if (tail[0] != ':')
                {
                    return false;
                }
                port = tail[1..];
            }
            foreach (var c in host[1..^1])
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is ':' or '.'))
                {
                    return false;
                }
            }
            if (host.Length == 2)
            {
                return false;
            }
            foreach (var c in host)
            {
                destination[w++] = char.ToLowerInvariant(c);
            }
        }
        else
        {
            var lastColon = authority.LastIndexOf(':');
            host = lastColon < 0 ? authority : authority[..lastColon];
            port = lastColon < 0 ? ReadOnlySpan<char>.Empty : authority[(lastColon + 1)..];
            if (host.IsEmpty)
            {
                return false;
            }
            var start = w;
            if (!TryWritePercentNormalized(host, allowSlash: false, destination, ref w))
            {
                return false;
            }
            // Host names are case-insensitive: lower-case letters but keep the upper-case hex of %XX triplets.
            for (var i = start; i < w; i++)
            {
                if (destination[i] == '%')
                {
                    i += 2;
                }
                else
                {
                    destination[i] = char.ToLowerInvariant(destination[i]);
                }
            }
        }

        if (port.IsEmpty)
        {
            return true;
        }
        var value = 0;
        foreach (var c in port)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = value * 10 + (c - '0');
            if (value > 65535)
            {
                return false;
            }
        }
        if (value != defaultPort)
        {
            destination[w++] = ':';
            value.TryFormat(destination[w..], out var portLength, provider: System.Globalization.CultureInfo.InvariantCulture);
            w += portLength;
        }
        return true;
    }

    private static bool TryWritePath(ReadOnlySpan<char> path, Span<char> destination, ref int w)
    {
        if (!path.IsEmpty && path[0] != '/')
        {
            return false;
        }
        return TryWritePercentNormalized(path, allowSlash: true, destination, ref w);
    }

    // Decodes %XX of unreserved characters, upper-cases the hex of the others, and in paths percent-encodes
    // characters a URI cannot hold (so a raw "|" and "%7C" compare equal). Controls and broken escapes never match.
    private static bool TryWritePercentNormalized(ReadOnlySpan<char> source, bool allowSlash, Span<char> destination, ref int w)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '%')
            {
                if (i + 2 >= source.Length || !char.IsAsciiHexDigit(source[i + 1]) || !char.IsAsciiHexDigit(source[i + 2]))
                {
                    return false;
                }
                var decoded = (char)((HexValue(source[i + 1]) << 4) | HexValue(source[i + 2]));
                if (IsUnreserved(decoded))
                {
                    destination[w++] = decoded;
                }
                else
                {
                    destination[w++] = '%';
                    destination[w++] = char.ToUpperInvariant(source[i + 1]);
                    destination[w++] = char.ToUpperInvariant(source[i + 2]);
                }
                i += 2;
            }
            else if (IsUnreserved(c) || IsSubDelimiter(c) || (allowSlash && c is '/' or ':' or '@'))
            {
                destination[w++] = c;
            }
            else if (!allowSlash || c < 0x20 || c == 0x7F)
            {
                return false; // hosts hold only unreserved, sub-delims and escapes; nothing holds controls
            }
            else
            {
                int length;
                if (char.IsHighSurrogate(c))
                {
                    if (i + 1 >= source.Length || !char.IsLowSurrogate(source[i + 1]))
                    {
                        return false;
                    }
                    length = Encoding.UTF8.GetBytes(source.Slice(i, 2), utf8);
                    i++;
                }
                else if (char.IsLowSurrogate(c))
                {
                    return false;
                }
                else
                {
                    length = Encoding.UTF8.GetBytes(source.Slice(i, 1), utf8);
                }
                for (var b = 0; b < length; b++)
                {
                    destination[w++] = '%';
                    destination[w++] = HexDigit(utf8[b] >> 4);
                    destination[w++] = HexDigit(utf8[b] & 0xF);
                }
            }
        }
        return true;
    }

    // RFC 3986 §5.2.4 on an absolute path, in place: the write position never passes the read position.
    private static int RemoveDotSegments(Span<char> path)
    {
        var read = 0;
        var write = 0;
        while (read < path.Length)
        {
            // path[read] is '/': every path here is empty or absolute.
            var segmentStart = read + 1;
            var next = path[segmentStart..].IndexOf('/');
            var segmentEnd = next < 0 ? path.Length : segmentStart + next;
            var segment = path[segmentStart..segmentEnd];
            var isLast = segmentEnd == path.Length;
            if (segment is ['.'])
            {
                if (isLast)
                {
                    path[write++] = '/';
                }
            }
            else if (segment is ['.', '.'])
            {
                var lastSlash = path[..write].LastIndexOf('/');
                write = lastSlash < 0 ? 0 : lastSlash;
                if (isLast)
                {
                    path[write++] = '/';
                }
            }
            else
            {
                path[write++] = '/';
                path[segmentStart..segmentEnd].CopyTo(path[write..]);
                write += segment.Length;
            }
            read = segmentEnd;
        }
        return write;
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool IsSubDelimiter(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
