using System.Text;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// One Web Bot Auth key directory (draft-meunier-http-message-signatures-directory-04 §3, §4): fetched through the
/// discovery backchannel with <c>Accept: application/http-message-signatures-directory+json</c>, and accepted only when
/// the response is signed (RFC 9421, <c>tag="http-message-signatures-directory"</c>, covering <c>"@authority";req</c>, with
/// <c>created</c> and <c>expires</c>) by a key of the directory itself, named by its RFC 7638 thumbprint. The key set handed
/// to the cache keeps only the keys whose signature verified: a directory can list only keys its server holds, so
/// nobody can publish another operator's public key as theirs.
/// </summary>
internal sealed class WebBotDirectoryKeySource : RemoteKeySource
{
    private readonly Uri _uri;
    private readonly BackchannelDocumentReader _reader;
    private readonly HttpMessageSignatureVerifier _verifier;
    private readonly int _maxKeys;
    private readonly ILogger _logger;

    public WebBotDirectoryKeySource(Uri uri, BackchannelDocumentReader reader, HttpMessageSignatureVerifier verifier, int maxKeys, ILogger logger)
    {
        _uri = uri;
        _reader = reader;
        _verifier = verifier;
        _maxKeys = maxKeys;
        _logger = logger;
    }

    public override string Address => _uri.OriginalString;

    public override async Task<byte[]> FetchKeySetAsync(CancellationToken cancellationToken)
    {
        byte[]? proven = null;
        await _reader.ReadAsync(_uri, WebBotAuthProfile.DirectoryMediaType, (response, body) => Validate(response, body, out proven), cancellationToken).ConfigureAwait(false);
        return proven!;
    }

    /// <summary>Null when the response is a signed directory (then <paramref name="proven"/> holds its proven keys as a JWK Set), else why not.</summary>
    private string? Validate(HttpResponseMessage response, byte[] body, out byte[]? proven)
    {
        proven = null;
        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, WebBotAuthProfile.DirectoryMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return "the key directory is not served as " + WebBotAuthProfile.DirectoryMediaType;
        }
        if (!JwkSet.TryParse(body, _maxKeys, out var set, out var error))
        {
            return "the key directory is not a JWK Set: " + error;
        }
        var keys = new Dictionary<string, (SignatureKey Key, Jwk Jwk)>(StringComparer.Ordinal);
        foreach (var jwk in set!.Keys)
        {
            // Private or secret members in a public directory: never load them (the cache's parser refuses them too).
            if (jwk.IsPublicOnly && SignatureKey.TryCreate(jwk, out var key, out _))
            {
                keys.TryAdd(key!.Thumbprint, (key, jwk));
            }
        }

        var verification = _verifier.VerifyAllAsync(new HttpResponseMessageAdapter(response), new DirectoryKeyResolver(keys));
        // The resolver answers from memory, so verification completes synchronously; anything else is refused, never awaited here.
        if (!verification.IsCompletedSuccessfully)
        {
            return "the key directory's signatures could not be verified";
        }
        var signedBy = new HashSet<string>(StringComparer.Ordinal);
        string? firstFailure = null;
        foreach (var result in verification.Result)
        {
            if (result.Succeeded && string.Equals(result.Tag, WebBotAuthProfile.DirectoryTag, StringComparison.Ordinal))
            {
                signedBy.Add(result.Key!.Thumbprint);
            }
            else
            {
                firstFailure ??= result.Succeeded ? "a signature is not tagged " + WebBotAuthProfile.DirectoryTag : result.Reason;
            }
        }
        if (signedBy.Count == 0)
        {
            return "the key directory response has no valid signature by one of its keys (tag \"" + WebBotAuthProfile.DirectoryTag
                + "\", \"@authority\";req, created, expires, keyid = JWK thumbprint): " + (firstFailure ?? "none");
        }
        if (signedBy.Count < keys.Count)
        {
            WebBotLog.DirectoryKeysUnproven(_logger, Address, keys.Count - signedBy.Count);
        }

        var json = new StringBuilder(256).Append("{\"keys\":[");
        var first = true;
        foreach (var (thumbprint, entry) in keys)
        {
            if (signedBy.Contains(thumbprint))
            {
                json.Append(first ? "" : ",").Append(entry.Jwk.ToJson());
                first = false;
            }
        }
        proven = Encoding.UTF8.GetBytes(json.Append("]}").ToString());
        return null;
    }

    /// <summary>A directory signature's <c>keyid</c> is the thumbprint of a key in that same directory.</summary>
    private sealed class DirectoryKeyResolver(Dictionary<string, (SignatureKey Key, Jwk Jwk)> keys) : ISignatureKeyResolver
    {
        public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken) =>
            new(keyId is not null && keys.TryGetValue(keyId, out var entry)
                ? SignatureKeyResolution.Resolved(entry.Key)
                : SignatureKeyResolution.Unknown("the keyid is not the thumbprint of a key in the directory"));
    }
}
