namespace AgentAuth.AspNetCore;

/// <summary>A JWKS fetched directly from a configured URL.</summary>
internal sealed class JwksUriKeySource : RemoteKeySource
{
    private readonly Uri _uri;
    private readonly bool _requireHttps;
    private readonly BackchannelDocumentReader _reader;

    public JwksUriKeySource(Uri uri, bool requireHttps, BackchannelDocumentReader reader)
    {
        _uri = uri;
        _requireHttps = requireHttps;
        _reader = reader;
    }

    public override string Address => _uri.OriginalString;

    public override Task<byte[]> FetchKeySetAsync(CancellationToken cancellationToken) =>
        _reader.ReadAsync(_uri, _requireHttps, cancellationToken);
}
