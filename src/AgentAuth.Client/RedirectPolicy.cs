using System.Net;

namespace AgentAuth.Client;

/// <summary>
/// Redirects as <see cref="AgentAuthSigningHandler"/> follows them in place of the transport: the status codes, target
/// resolution and method changes of HttpClient's own redirect handling (RFC 9110 §15.4), so callers see the same
/// behaviour, while the signing handler decides which hop gets credentials.
/// </summary>
internal static class RedirectPolicy
{
    /// <summary>Whether the status is one of the redirects this handler follows: 300, 301, 302, 303, 307, 308.</summary>
    public static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MultipleChoices or HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>
    /// Whether <paramref name="response"/> redirects <paramref name="request"/> somewhere this handler may follow: a 300,
    /// 301, 302, 303, 307 or 308 with a <c>Location</c> resolving to an http(s) URI without user-info, and not from https
    /// down to http.
    /// </summary>
    public static bool TryGetTarget(HttpRequestMessage request, HttpResponseMessage response, out Uri target, out bool changeToGet)
    {
        target = null!;
        changeToGet = false;
        var requestUri = request.RequestUri!;
        switch (response.StatusCode)
        {
            case HttpStatusCode.MultipleChoices:
            case HttpStatusCode.MovedPermanently:
            case HttpStatusCode.Found:
                // Historical behaviour every client has (RFC 9110 §15.4.2, §15.4.3 notes): POST becomes GET.
                changeToGet = request.Method == HttpMethod.Post;
                break;
            case HttpStatusCode.SeeOther:
                // RFC 9110 §15.4.4: retrieve the other resource with GET (HEAD stays HEAD).
                changeToGet = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;
                break;
            case HttpStatusCode.TemporaryRedirect:
            case HttpStatusCode.PermanentRedirect:
                break;
            default:
                return false;
        }
        if (response.Headers.Location is not { } location)
        {
            return false;
        }
        if (!location.IsAbsoluteUri && !Uri.TryCreate(requestUri, location, out location!))
        {
            return false;
        }
        if ((location.Scheme != Uri.UriSchemeHttps && location.Scheme != Uri.UriSchemeHttp)
            || (requestUri.Scheme == Uri.UriSchemeHttps && location.Scheme != Uri.UriSchemeHttps)
            || location.UserInfo.Length > 0)
        {
            return false;
        }
        if (requestUri.Fragment.Length > 0 && location.Fragment.Length == 0)
        {
            // RFC 9110 §10.2.2: a Location without a fragment inherits the request's.
            location = new UriBuilder(location) { Fragment = requestUri.Fragment[1..] }.Uri;
        }
        target = location;
        return true;
    }

    /// <summary>Points <paramref name="request"/> at the redirect target, with the method change a 301, 302 or 303 calls for.</summary>
    public static void Apply(HttpRequestMessage request, Uri target, bool changeToGet)
    {
        request.RequestUri = target;
        if (changeToGet)
        {
            request.Method = HttpMethod.Get;
            request.Content = null;
            if (request.Headers.TransferEncodingChunked == true)
            {
                request.Headers.TransferEncodingChunked = false;
            }
        }
    }

    /// <summary>
    /// Turns off automatic redirects on the transport under <paramref name="handler"/> (through any delegating handlers):
    /// a transport that follows redirects itself would send the signature, the DPoP proof and everything but
    /// <c>Authorization</c> to wherever a response points. Other transports are left as they are (documented).
    /// </summary>
    /// <exception cref="InvalidOperationException">The transport follows redirects and has already sent requests, so it cannot be changed.</exception>
    public static void DisableAutoRedirect(HttpMessageHandler? handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }
        try
        {
            switch (handler)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                "AgentAuthSigningHandler follows redirects itself and needs AllowAutoRedirect = false on its primary handler, which has already sent requests; "
                + "give the signing handler its own primary handler, or set AllowAutoRedirect = false on it.", ex);
        }
    }
}
