using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore;

/// <summary>
/// An ASP.NET Core request seen as an RFC 9421 message. The request target is the raw target Kestrel received
/// (never the decoded <see cref="HttpRequest.Path"/>: <c>/a%2Db</c> stays <c>/a%2Db</c>). Scheme and authority come from the
/// configured public origin when there is one, else from the request as <c>ForwardedHeadersMiddleware</c> left it;
/// <c>X-Forwarded-*</c> headers are never read here. One instance lives as long as its handler, so reading it allocates nothing.
/// </summary>
internal sealed class AspNetCoreHttpMessage : IHttpMessage
{
    private HttpRequest? _request;
    private PublicOrigin? _origin;
    // Read once per request: a signature base asks for them once per covered component, and each read is a feature or
    // header lookup.
    private string? _target;
    private string? _authority;

    /// <summary>Points the adapter at a request.</summary>
    public void Reset(HttpRequest request, PublicOrigin? origin)
    {
        _request = request;
        _origin = origin;
        _target = null;
        _authority = null;
    }

    private HttpRequest Request => _request ?? throw new InvalidOperationException("The message adapter has no request.");

    public string Method => Request.Method;

    public string Scheme => _origin?.Scheme ?? Request.Scheme;

    /// <summary>
    /// The configured public authority, else the <c>Host</c> field exactly as received. Not <see cref="HttpRequest.Host"/>: it
    /// decodes punycode (so an IDN host would never match what the client signed) and throws on invalid punycode.
    /// </summary>
    public string Authority => _authority ??= _origin?.Authority ?? RawHost(Request);

    private static string RawHost(HttpRequest request)
    {
        var host = request.Headers.Host;
        return host.Count == 1 ? host[0] ?? string.Empty : string.Empty;
    }

    public string RequestTarget => _target ??= ReadTarget(Request);

    private static string ReadTarget(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw))
        {
            return raw;
        }
        // Servers without a raw target (for example some test hosts): rebuild it, escaped as it was sent.
        return string.Concat(request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
    }

    /// <summary>
    /// Whether the request target is in origin form (<c>/path?query</c>, RFC 9112 §3.2.1). Only then do the derived components
    /// mean what the client signed: absolute form (§3.2.2) is for proxies, carries an authority of its own that a configured
    /// public origin would contradict, and Kestrel routes it on a decoded path (<c>%2F</c> becomes <c>/</c>) while
    /// <c>@path</c> stays raw. The handler refuses every other form before any credential is looked at.
    /// </summary>
    public bool IsOriginForm
    {
        get
        {
            var target = RequestTarget;
            return target.Length > 0 && target[0] == '/';
        }
    }

    /// <summary>The request target without its query, for the DPoP <c>htu</c>.</summary>
    public ReadOnlySpan<char> PathPart
    {
        get
        {
            var target = RequestTarget.AsSpan();
            var query = target.IndexOf('?');
            return query < 0 ? target : target[..query];
        }
    }

    public int? StatusCode => null;

    public IHttpMessage? RelatedRequest => null;

    public bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines)
    {
        StringValues values;
        if (trailers)
        {
            if (!Request.SupportsTrailers() || !Request.CheckTrailersAvailable())
            {
                lines = default;
                return false;
            }
            values = Request.GetTrailer(lowerCaseName);
        }
        else if (!Request.Headers.TryGetValue(lowerCaseName, out values))
        {
            lines = default;
            return false;
        }

        switch (values.Count)
        {
            case 0:
                lines = default;
                return false;
            case 1:
                lines = new FieldLines(values[0] ?? string.Empty);
                return true;
            default:
                // StringValues hands over its own array for multi-line fields: no copy.
                lines = new FieldLines(values.ToArray()!);
                return true;
        }
    }
}
