using System.Net.Http;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>The transport under the signing handler: counts sends and keeps the last request's signature headers.</summary>
internal sealed class RecordingInnerHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private int _sends;

    public int Sends => Volatile.Read(ref _sends);

    public string? LastSignatureInput { get; private set; }

    public string? LastSignature { get; private set; }

    public string? LastContentDigest { get; private set; }

    public string? LastDPoP { get; private set; }

    public string? LastAuthorization { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        LastSignatureInput = Join(request.Headers, "Signature-Input");
        LastSignature = Join(request.Headers, "Signature");
        LastDPoP = Join(request.Headers, "DPoP");
        LastAuthorization = request.Headers.Authorization?.ToString();
        LastContentDigest = request.Content is null ? null : Join(request.Content.Headers, "Content-Digest");
        return base.SendAsync(request, cancellationToken);
    }

    private static string? Join(System.Net.Http.Headers.HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
