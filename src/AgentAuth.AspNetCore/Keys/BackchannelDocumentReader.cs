using System.Buffers;
using System.Net.Http.Headers;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Fetches one small JSON document (a JWKS or discovery document) with a size limit enforced while streaming,
/// a per-request timeout from the scheme's <see cref="TimeProvider"/>, and HTTPS required unless allowed.
/// </summary>
internal sealed class BackchannelDocumentReader
{
    private static readonly MediaTypeWithQualityHeaderValue s_json = new("application/json");
    private readonly Func<HttpClient> _client;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private readonly int _maxBytes;

    /// <param name="client">Gives the client for one request (IHttpClientFactory clients are meant to be short-lived).</param>
    /// <param name="timeProvider">Drives the per-request timeout.</param>
    /// <param name="options">Timeout and size limit.</param>
    public BackchannelDocumentReader(Func<HttpClient> client, TimeProvider timeProvider, JwksCacheOptions options)
    {
        _client = client;
        _timeProvider = timeProvider;
        _timeout = options.BackchannelTimeout;
        _maxBytes = options.MaxResponseBytes;
    }

    /// <summary>Returns the document bytes, or throws <see cref="KeySourceException"/> with a reason safe to log.</summary>
    public Task<byte[]> ReadAsync(Uri uri, bool requireHttps, CancellationToken cancellationToken) =>
        ReadAsync(uri, requireHttps, s_json, validate: null, cancellationToken);

    /// <summary>
    /// Returns the bytes of an HTTPS document whose response must also pass <paramref name="validate"/> (for example a key
    /// directory that is itself signed): it gets the response (headers intact) and the body, and returns
    /// <see langword="null"/> to accept or a reason, safe to log, to refuse.
    /// </summary>
    public Task<byte[]> ReadAsync(Uri uri, string accept, Func<HttpResponseMessage, byte[], string?> validate, CancellationToken cancellationToken) =>
        ReadAsync(uri, requireHttps: true, new MediaTypeWithQualityHeaderValue(accept), validate, cancellationToken);

    private async Task<byte[]> ReadAsync(Uri uri, bool requireHttps, MediaTypeWithQualityHeaderValue accept,
        Func<HttpResponseMessage, byte[], string?>? validate, CancellationToken cancellationToken)
    {
        if (requireHttps && !string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            throw new KeySourceException(JwksFetchOutcomes.Error, "the key source URL must use https");
        }
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var client = _client();
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(accept);
            if (client.DefaultRequestHeaders.UserAgent.Count == 0)
            {
                // A client not configured by AddAgentAuthBackchannel still identifies AgentAuth to the key server.
                request.Headers.UserAgent.Add(AgentAuthBackchannel.UserAgent);
            }
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new KeySourceException(JwksFetchOutcomes.HttpError, $"the key source answered HTTP {(int)response.StatusCode}");
            }
            if (response.Content.Headers.ContentLength is { } length && length > _maxBytes)
            {
                throw Oversized();
            }
            var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var body = await ReadBoundedAsync(stream, linked.Token).ConfigureAwait(false);
                if (validate?.Invoke(response, body) is { } refusal)
                {
                    throw new KeySourceException(JwksFetchOutcomes.InvalidDocument, refusal);
                }
                return body;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new KeySourceException(JwksFetchOutcomes.Timeout, "the key source did not answer in time");
        }
        catch (HttpRequestException ex)
        {
            throw new KeySourceException(JwksFetchOutcomes.HttpError, "the key source could not be reached", ex);
        }
    }

    private async Task<byte[]> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        // Read at most MaxResponseBytes + 1: one byte more than allowed proves the document is too large
        // without buffering the rest of it.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_maxBytes + 1, 16 * 1024));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxBytes + 1, buffer.Length * 2));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, _maxBytes + 1) - total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, total).ToArray();
                }
                total += read;
                if (total > _maxBytes)
                {
                    throw Oversized();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private KeySourceException Oversized() =>
        new(JwksFetchOutcomes.Oversized, $"the key source document is larger than {_maxBytes} bytes (JwksCacheOptions.MaxResponseBytes)");
}
