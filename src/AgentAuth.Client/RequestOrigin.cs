namespace AgentAuth.Client;

/// <summary>
/// An origin as RFC 6454 §4 defines it (scheme, host, port), with the host in its IDN (punycode) form, the form
/// HttpClient connects to and writes in <c>Host</c>. Credentials, DPoP nonces and redirects are decided per origin.
/// </summary>
internal readonly struct RequestOrigin : IEquatable<RequestOrigin>
{
    private RequestOrigin(string scheme, string host, int port)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
    }

    public string Scheme { get; }

    public string Host { get; }

    public int Port { get; }

    public static RequestOrigin Of(Uri uri) => new(uri.Scheme, uri.IdnHost, uri.Port);

    /// <summary>Parses a configured origin: an absolute http(s) URI with nothing after the authority but an optional <c>/</c>.</summary>
    public static bool TryParse(string? text, out RequestOrigin origin, out string? error)
    {
        origin = default;
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            error = "'" + text + "' is not an absolute http or https origin such as https://api.example.com.";
            return false;
        }
        if (uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "'" + text + "' must be an origin only (scheme, host and optional port), without user-info, path, query or fragment.";
            return false;
        }
        origin = Of(uri);
        error = null;
        return true;
    }

    public bool Equals(RequestOrigin other) =>
        Port == other.Port
        && string.Equals(Scheme, other.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is RequestOrigin other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(
        StringComparer.OrdinalIgnoreCase.GetHashCode(Scheme), StringComparer.OrdinalIgnoreCase.GetHashCode(Host), Port);

    public static bool operator ==(RequestOrigin left, RequestOrigin right) => left.Equals(right);

    public static bool operator !=(RequestOrigin left, RequestOrigin right) => !left.Equals(right);

    public override string ToString() => Scheme + "://" + Host + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
