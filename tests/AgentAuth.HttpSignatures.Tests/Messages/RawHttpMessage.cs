using System.Text;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// A parsed HTTP/1.1 message in its textual form (request line or status line, header fields, body,
/// chunked trailers), used by the tests to load test vectors (test code, not shipped). Keeps field lines raw, including obsolete line folding,
/// so the signature base builder is exercised on exactly what the wire carried.
/// </summary>
internal sealed class RawHttpMessage : IHttpMessage
{
    private readonly Dictionary<string, List<string>> _headers;
    private readonly Dictionary<string, List<string>> _trailers;

    private RawHttpMessage(
        string method, string scheme, string authority, string target, int? status,
        Dictionary<string, List<string>> headers, Dictionary<string, List<string>> trailers,
        byte[] body, IHttpMessage? related)
    {
        Method = method;
        Scheme = scheme;
        Authority = authority;
        RequestTarget = target;
        StatusCode = status;
        _headers = headers;
        _trailers = trailers;
        Body = body;
        RelatedRequest = related;
    }

    public string Method { get; }

    public string Scheme { get; }

    public string Authority { get; }

    public string RequestTarget { get; }

    public int? StatusCode { get; }

    public IHttpMessage? RelatedRequest { get; }

    /// <summary>The message content (de-chunked when the message used chunked transfer coding).</summary>
    public byte[] Body { get; }

    public bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines)
    {
        var table = trailers ? _trailers : _headers;
        if (table.TryGetValue(lowerCaseName, out var list))
        {
            lines = list.Count == 1 ? new FieldLines(list[0]) : new FieldLines(list.ToArray());
            return true;
        }
        lines = default;
        return false;
    }

    /// <summary>Parses <paramref name="text"/> (CRLF or LF line endings) as an HTTP/1.1 request or response.</summary>
    public static bool TryParse(string text, out RawHttpMessage? message) =>
        TryParse(text, "https", relatedRequest: null, out message);

    /// <summary>
    /// Parses <paramref name="text"/> as an HTTP/1.1 request or response received over <paramref name="scheme"/>;
    /// <paramref name="relatedRequest"/> becomes the request a response answers.
    /// </summary>
    public static bool TryParse(string text, string scheme, IHttpMessage? relatedRequest, out RawHttpMessage? message)
    {
        ArgumentNullException.ThrowIfNull(text);
        message = null;
        var lines = SplitLines(text, out var bodyStart);
        if (lines.Count == 0)
        {
            return false;
        }

        string method = string.Empty, target = string.Empty, authority = string.Empty;
        int? status = null;
        var startLine = lines[0];
        if (startLine.StartsWith("HTTP/", StringComparison.Ordinal))
        {
            var parts = startLine.Split(' ', 3);
            if (parts.Length < 2 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) || code is < 100 or > 999)
            {
                return false;
            }
            status = code;
            scheme = string.Empty;
        }
        else
        {
            var parts = startLine.Split(' ');
            if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/", StringComparison.Ordinal))
            {
                return false;
            }
            method = parts[0];
            target = parts[1];
        }

        var headers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!TryParseFields(lines, 1, lines.Count, headers))
        {
            return false;
        }

        var trailers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var bodyText = bodyStart < 0 ? string.Empty : text[bodyStart..];
        byte[] body;
        if (headers.TryGetValue("transfer-encoding", out var te) && te[^1].Trim().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryDechunk(bodyText, trailers, out body))
            {
                return false;
            }
        }
        else
        {
            body = Encoding.UTF8.GetBytes(bodyText);
        }

        if (status is null)
        {
            if (headers.TryGetValue("host", out var host))
            {
                authority = host[0].Trim();
            }
            else if (target.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
            {
                authority = absolute.Authority;
            }
            else if (!target.StartsWith('/') && target != "*")
            {
                authority = target;
            }
        }

        message = new RawHttpMessage(method, scheme, authority, target, status, headers, trailers, body, status is null ? null : relatedRequest);
        return true;
    }

    private static List<string> SplitLines(string text, out int bodyStart)
    {
        // Header section ends at the first empty line; everything after it is the body.
        var lines = new List<string>();
        bodyStart = -1;
        var pos = 0;
        while (pos < text.Length)
        {
            var nl = text.IndexOf('\n', pos);
            var end = nl < 0 ? text.Length : nl;
            var lineEnd = end > pos && text[end - 1] == '\r' ? end - 1 : end;
            var line = text[pos..lineEnd];
            pos = nl < 0 ? text.Length : nl + 1;
            if (line.Length == 0)
            {
                bodyStart = pos;
                break;
            }
            lines.Add(line);
        }
        return lines;
    }

    private static bool TryParseFields(List<string> lines, int start, int end, Dictionary<string, List<string>> into)
    {
        List<string>? last = null;
        for (var i = start; i < end; i++)
        {
            var line = lines[i];
            if (line[0] is ' ' or '\t')
            {
                // obs-fold: keep the fold in the value; the base builder replaces it by one space.
                if (last is null)
                {
                    return false;
                }
                last[^1] = last[^1] + "\n" + line;
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                return false;
            }
            var name = line[..colon].ToLowerInvariant();
            if (!into.TryGetValue(name, out last))
            {
                last = new List<string>();
                into.Add(name, last);
            }
            last.Add(line[(colon + 1)..]);
        }
        return true;
    }

    private static bool TryDechunk(string text, Dictionary<string, List<string>> trailers, out byte[] body)
    {
        body = [];
        var lines = new List<string>(text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'));
        var content = new StringBuilder();
        var i = 0;
        while (i < lines.Count)
        {
            var sizeText = lines[i].Split(';')[0].Trim();
            if (!int.TryParse(sizeText, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                return false;
            }
            i++;
            if (size == 0)
            {
                var end = i;
                while (end < lines.Count && lines[end].Length > 0)
                {
                    end++;
                }
                if (!TryParseFields(lines, i, end, trailers))
                {
                    return false;
                }
                body = Encoding.UTF8.GetBytes(content.ToString());
                return true;
            }
            if (i >= lines.Count)
            {
                return false;
            }
            content.Append(lines[i]);
            i++;
        }
        return false;
    }
}
