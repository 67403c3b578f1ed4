using System.Net.Http.Headers;

namespace AgentAuth.Demo;

/// <summary>Request options the demo's test handlers look at.</summary>
internal static class DemoRequestOptions
{
    /// <summary>Set on a request to have <see cref="TamperingHandler"/> change its body after it was signed.</summary>
    public static readonly HttpRequestOptionsKey<bool> Tamper = new("demo.tamper");
}

/// <summary>Sits between the signing handler and the network: changes the body of marked requests after they were signed, as an attacker on the path would.</summary>
internal sealed class TamperingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(DemoRequestOptions.Tamper, out var tamper) && tamper && request.Content is { } original)
        {
            var body = await original.ReadAsStringAsync(cancellationToken);
            var changed = new StringContent(body.Replace("\"value\":\"10\"", "\"value\":\"10000\"", StringComparison.Ordinal));
            changed.Headers.Clear();
            foreach (var header in original.Headers)
            {
                changed.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            changed.Headers.ContentLength = null;
            request.Content = changed;
        }
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Remembers the last request exactly as it went on the wire, so the demo can replay it, and counts sends.</summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    private int _sends;

    /// <summary>How many requests went out.</summary>
    public int Sends => Volatile.Read(ref _sends);

    /// <summary>The last request's method, URI and headers (request and content).</summary>
    public (HttpMethod Method, Uri Uri, List<KeyValuePair<string, IEnumerable<string>>> Headers, byte[]? Body)? Last { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        var headers = request.Headers.ToList();
        byte[]? body = null;
        if (request.Content is { } content)
        {
            body = await content.ReadAsByteArrayAsync(cancellationToken);
            headers.AddRange(content.Headers);
        }
        Last = (request.Method, request.RequestUri!, headers, body);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>A byte-for-byte copy of the last request.</summary>
    public HttpRequestMessage CreateReplay()
    {
        var (method, uri, headers, body) = Last ?? throw new InvalidOperationException("Nothing was recorded.");
        var replay = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            replay.Content = new ByteArrayContent(body);
        }
        foreach (var (name, values) in headers)
        {
            if (!replay.Headers.TryAddWithoutValidation(name, values))
            {
                replay.Content?.Headers.TryAddWithoutValidation(name, values);
            }
        }
        return replay;
    }
}

/// <summary>Reads why a server refused a request from its challenge headers.</summary>
internal static class ServerReason
{
    public static (string? Error, string Text) Read(HttpResponseMessage response)
    {
        string? error = null;
        string? description = null;
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            if (challenge.Parameter is { } parameter && Parameter(parameter, "error") is { } e)
            {
                error = e;
                description = Parameter(parameter, "error_description");
                break;
            }
        }
        if (error is null && response.Headers.TryGetValues("Signature-Error", out var signatureError))
        {
            var value = signatureError.First();
            error = value.StartsWith("error=", StringComparison.Ordinal) ? value[6..].Split(',')[0].Trim() : value;
        }
        var text = error is null ? string.Empty : description is null ? error : error + ": " + description;
        return (error, text);
    }

    private static string? Parameter(string challenge, string name)
    {
        var marker = name + "=\"";
        var start = 0;
        while ((start = challenge.IndexOf(marker, start, StringComparison.Ordinal)) >= 0)
        {
            // Only a whole parameter name: at the start or after a separator.
            if (start == 0 || challenge[start - 1] is ' ' or ',')
            {
                var from = start + marker.Length;
                var end = challenge.IndexOf('"', from);
                return end < 0 ? null : challenge[from..end];
            }
            start += marker.Length;
        }
        return null;
    }
}
