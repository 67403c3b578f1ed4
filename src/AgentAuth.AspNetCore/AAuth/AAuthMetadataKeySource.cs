using System.Text.Json;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The key set of a <c>jwks_uri</c> signer (draft-hardt-httpbis-signature-key-08 §3.6): fetch <c>{id}/.well-known/{dwk}</c>,
/// require its <c>issuer</c> to equal <c>id</c> as presented (<c>issuer_missing</c>, <c>issuer_mismatch</c>), then fetch
/// its <c>jwks_uri</c>, which must itself be an origin the discovery policy allows. Every fetch goes through the
/// discovery reader (HTTPS only, no redirects, bounded, public addresses unless allowed).
/// </summary>
internal sealed class AAuthMetadataKeySource : RemoteKeySource
{
    private readonly Uri _metadataAddress;
    private readonly string _id;
    private readonly BackchannelDocumentReader _reader;
    private readonly Func<string, bool> _isAllowedOrigin;

    public AAuthMetadataKeySource(Uri metadataAddress, string id, BackchannelDocumentReader reader, Func<string, bool> isAllowedOrigin)
    {
        _metadataAddress = metadataAddress;
        _id = id;
        _reader = reader;
        _isAllowedOrigin = isAllowedOrigin;
    }

    public override string Address => _metadataAddress.OriginalString;

    /// <summary>
    /// The draft error of the last failed metadata check (<c>issuer_missing</c> or <c>issuer_mismatch</c>), so a request
    /// refused for it says so; <see langword="null"/> after a fetch that passed them.
    /// </summary>
    public string? LastIssuerError { get; private set; }

    public override async Task<byte[]> FetchKeySetAsync(CancellationToken cancellationToken)
    {
        var metadata = await _reader.ReadAsync(_metadataAddress, requireHttps: true, cancellationToken).ConfigureAwait(false);
        if (!DiscoveryDocument.TryParse(metadata, out var issuer, out var jwksUri, out var error))
        {
            if (!HasIssuer(metadata))
            {
                LastIssuerError = AgentAuthErrors.IssuerMissing;
                throw new KeySourceException(JwksFetchOutcomes.InvalidDocument, "the agent metadata has no issuer");
            }
            throw new KeySourceException(JwksFetchOutcomes.InvalidDocument, error);
        }
        // §3.6 step 3: byte equality with id as presented, so a document served under one identity cannot speak for another.
        if (!string.Equals(issuer, _id, StringComparison.Ordinal))
        {
            LastIssuerError = AgentAuthErrors.IssuerMismatch;
            throw new KeySourceException(JwksFetchOutcomes.IssuerMismatch, "the agent metadata's issuer is not the signer's id");
        }
        LastIssuerError = null;
        if (!Uri.TryCreate(jwksUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
            || !KeyDiscovery.TryParseOrigin(uri.GetLeftPart(UriPartial.Authority), out var jwksOrigin) || !_isAllowedOrigin(jwksOrigin))
        {
            throw new KeySourceException(JwksFetchOutcomes.InvalidDocument, "the agent metadata's jwks_uri is not an HTTPS URL on an allowed origin");
        }
        return await _reader.ReadAsync(uri, requireHttps: true, cancellationToken).ConfigureAwait(false);
    }

    private static bool HasIssuer(byte[] metadata)
    {
        try
        {
            using var document = JsonDocument.Parse(metadata, new JsonDocumentOptions { MaxDepth = 16 });
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("issuer", out _);
        }
        catch (JsonException)
        {
            return true;
        }
    }
}
