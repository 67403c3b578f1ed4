namespace AgentAuth.AspNetCore;

/// <summary>
/// OpenID Connect / OAuth discovery: the metadata document names the <c>jwks_uri</c>, and its <c>issuer</c> must
/// equal the configured issuer exactly (so one issuer's metadata cannot vouch for another issuer's tokens).
/// The metadata is read again on every refresh, so a moved <c>jwks_uri</c> is followed.
/// </summary>
internal sealed class DiscoveryKeySource : RemoteKeySource
{
    /// <summary>The path appended to an authority.</summary>
    public const string WellKnownPath = "/.well-known/openid-configuration";

    private readonly Uri _metadataAddress;
    private readonly string _issuer;
    private readonly bool _requireHttps;
    private readonly BackchannelDocumentReader _reader;

    public DiscoveryKeySource(Uri metadataAddress, string issuer, bool requireHttps, BackchannelDocumentReader reader)
    {
        _metadataAddress = metadataAddress;
        _issuer = issuer;
        _requireHttps = requireHttps;
        _reader = reader;
    }

    public override string Address => _metadataAddress.OriginalString;

    /// <summary>The metadata URL of an authority: the authority without a trailing slash, plus <see cref="WellKnownPath"/>.</summary>
    public static string MetadataAddressOf(string authority) => string.Concat(authority.AsSpan().TrimEnd('/'), WellKnownPath);

    public override async Task<byte[]> FetchKeySetAsync(CancellationToken cancellationToken)
    {
        var metadata = await _reader.ReadAsync(_metadataAddress, _requireHttps, cancellationToken).ConfigureAwait(false);
        if (!DiscoveryDocument.TryParse(metadata, out var issuer, out var jwksUri, out var error))
        {
            throw new KeySourceException(JwksFetchOutcomes.InvalidDocument, error);
        }
        if (!string.Equals(issuer, _issuer, StringComparison.Ordinal))
        {
            throw new KeySourceException(JwksFetchOutcomes.IssuerMismatch, "the discovery document's issuer does not equal the configured issuer");
        }
        if (!Uri.TryCreate(jwksUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new KeySourceException(JwksFetchOutcomes.InvalidDocument, "the discovery document's jwks_uri is not an absolute http(s) URL");
        }
        return await _reader.ReadAsync(uri, _requireHttps, cancellationToken).ConfigureAwait(false);
    }
}
