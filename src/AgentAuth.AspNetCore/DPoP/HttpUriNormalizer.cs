using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Normalizes an absolute <c>http</c>/<c>https</c> URI by RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based
/// normalization, to <c>scheme://host[:port]path</c>: scheme and host lower-cased, default port dropped, empty path made
/// "/", percent-encoded unreserved characters decoded and other percent-encodings upper-cased, characters a URI cannot
/// hold percent-encoded, dot segments removed (§5.2.4). Query and fragment are dropped; the path stays case-sensitive.
/// Over spans, without allocating; anything that is not such a URI is refused, never thrown on.
/// </summary>
internal static class HttpUriNormalizer
{
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

    // RFC 3986 §3.2: authority = host [ ":" port ]; userinfo has no place in an htu.
    private static bool TryWriteAuthority(ReadOnlySpan<char> authority, int defaultPort, Span<char> destination, ref int w)
    {
        if (authority.IndexOf('@') >= 0)
        {
            return false;
        }
        ReadOnlySpan<char> port;
        if (authority.StartsWith('['))
        {
            if (!TryWriteIpLiteral(authority, destination, ref w, out var portStart))
            {
                return false;
            }
            port = authority[portStart..];
        }
        else
        {
            var lastColon = authority.LastIndexOf(':');
            var host = lastColon < 0 ? authority : authority[..lastColon];
            port = lastColon < 0 ? ReadOnlySpan<char>.Empty : authority[(lastColon + 1)..];
            if (!TryWriteRegisteredName(host, destination, ref w))
            {
                return false;
            }
        }
        return TryWritePort(port, defaultPort, destination, ref w);
    }

    // RFC 3986 §3.2.2 IP-literal: "[" address "]", lower-cased; what follows it can only be ":" port.
    // portStart indexes the port digits in authority (authority.Length when there is no port).
    private static bool TryWriteIpLiteral(ReadOnlySpan<char> authority, Span<char> destination, ref int w, out int portStart)
    {
        portStart = authority.Length;
        var close = authority.IndexOf(']');
        if (close < 0)
        {
            return false;
        }
        var host = authority[..(close + 1)];
        var tail = authority[(close + 1)..];
        if (!tail.IsEmpty)
        {
            if (tail[0] != ':')
            {
                return false;
            }
            portStart = close + 2;
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
        return true;
    }

    // RFC 3986 §3.2.2 reg-name (or IPv4 address), percent-normalized; §6.2.2.1: host names are case-insensitive.
    private static bool TryWriteRegisteredName(ReadOnlySpan<char> host, Span<char> destination, ref int w)
    {
        if (host.IsEmpty)
        {
            return false;
        }
        var start = w;
        if (!TryWritePercentNormalized(host, allowSlash: false, destination, ref w))
        {
            return false;
        }
        // Lower-case letters but keep the upper-case hex of %XX triplets.
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
        return true;
    }

    // RFC 3986 §6.2.3: the scheme's default port is dropped; any other is written without leading zeros.
    private static bool TryWritePort(ReadOnlySpan<char> port, int defaultPort, Span<char> destination, ref int w)
    {
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
