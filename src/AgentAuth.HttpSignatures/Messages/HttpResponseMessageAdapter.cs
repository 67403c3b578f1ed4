namespace AgentAuth.HttpSignatures;

/// <summary>
/// Exposes a received <see cref="HttpResponseMessage"/> (response headers, content headers and trailing
/// headers) as an <see cref="IHttpMessage"/>; its <see cref="HttpResponseMessage.RequestMessage"/>, when set,
/// is the related request for <c>req</c> components.
/// </summary>
public sealed class HttpResponseMessageAdapter : IHttpMessage
{
    private readonly HttpResponseMessage _response;

    /// <summary>Wraps <paramref name="response"/>.</summary>
    /// <param name="response">The response to expose.</param>
    public HttpResponseMessageAdapter(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _response = response;
        RelatedRequest = response.RequestMessage is { RequestUri.IsAbsoluteUri: true } request
            ? new HttpRequestMessageAdapter(request)
            : null;
    }

    /// <inheritdoc />
    public string Method => string.Empty;

    /// <inheritdoc />
    public string Scheme => string.Empty;

    /// <inheritdoc />
    public string Authority => string.Empty;

    /// <inheritdoc />
    public string RequestTarget => string.Empty;

    /// <inheritdoc />
    public int? StatusCode => (int)_response.StatusCode;

    /// <inheritdoc />
    public IHttpMessage? RelatedRequest { get; }

    /// <inheritdoc />
    public bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines)
    {
        ArgumentNullException.ThrowIfNull(lowerCaseName);
        if (trailers)
        {
            return HttpRequestMessageAdapter.TryGet(_response.TrailingHeaders, lowerCaseName, out lines);
        }
        if (HttpRequestMessageAdapter.TryGet(_response.Headers, lowerCaseName, out lines))
        {
            return true;
        }
        return HttpRequestMessageAdapter.TryGet(_response.Content.Headers, lowerCaseName, out lines);
    }
}
