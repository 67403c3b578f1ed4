using System.Net.Http.Headers;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Exposes an outgoing <see cref="HttpRequestMessage"/> (request headers and content headers) as an
/// <see cref="IHttpMessage"/>, with the request target HttpClient puts on the wire (<see cref="Uri.PathAndQuery"/>).
/// </summary>
public sealed class HttpRequestMessageAdapter : IHttpMessage
{
    private readonly HttpRequestMessage _request;
    private readonly Uri _uri;
    private string? _wireAuthority;

    /// <summary>Wraps <paramref name="request"/>, which must have an absolute <see cref="HttpRequestMessage.RequestUri"/>.</summary>
    /// <param name="request">The request to expose.</param>
    public HttpRequestMessageAdapter(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            throw new ArgumentException("The request needs an absolute RequestUri to be signed or verified.", nameof(request));
        }
        _request = request;
        _uri = uri;
    }

    /// <inheritdoc />
    public string Method => _request.Method.Method;

    /// <inheritdoc />
    public string Scheme => _uri.Scheme;

    /// <inheritdoc />
    /// <remarks>
    /// Without a <c>Host</c> header set on the request, this is the authority HttpClient writes in <c>Host</c>: the IDN
    /// (punycode) host, with the port only when it is not the scheme's default. <see cref="Uri.Authority"/> would give a
    /// Unicode host for an internationalized name, which is not what the server receives (RFC 9421 §2.2.3).
    /// </remarks>
    public string Authority => _request.Headers.Host ?? (_wireAuthority ??= WireAuthority(_uri));

    /// <inheritdoc />
    public string RequestTarget => _uri.PathAndQuery;

    /// <inheritdoc />
    public int? StatusCode => null;

    /// <inheritdoc />
    public IHttpMessage? RelatedRequest => null;

    /// <inheritdoc />
    public bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines)
    {
        ArgumentNullException.ThrowIfNull(lowerCaseName);
        if (trailers)
        {
            lines = default;
            return false;
        }
        if (string.Equals(lowerCaseName, "host", StringComparison.Ordinal))
        {
            lines = new FieldLines(Authority);
            return true;
        }
        if (TryGet(_request.Headers, lowerCaseName, out lines))
        {
            return true;
        }
        return _request.Content is not null && TryGet(_request.Content.Headers, lowerCaseName, out lines);
    }

    private static string WireAuthority(Uri uri)
    {
        // IP literals: Authority already is the wire form (IPv6 in brackets, without a zone id). Names: punycode.
        if (uri.HostNameType != UriHostNameType.Dns)
        {
            return uri.Authority;
        }
        return uri.IsDefaultPort ? uri.IdnHost : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{uri.IdnHost}:{uri.Port}");
    }

    internal static bool TryGet(HttpHeaders headers, string name, out FieldLines lines)
    {
        if (!headers.NonValidated.TryGetValues(name, out var values) || values.Count == 0)
        {
            lines = default;
            return false;
        }
        if (values.Count == 1)
        {
            lines = new FieldLines(values.ToString());
            return true;
        }
        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }
        lines = new FieldLines(array);
        return true;
    }
}
