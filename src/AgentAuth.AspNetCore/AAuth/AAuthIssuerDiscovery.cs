using System.Collections.Concurrent;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Keys of agent-token issuers that are not configured, discovered as the AAuth protocol draft's "Agent Token
/// Verification" step 2 says: <c>{iss}/.well-known/aauth-agent.json</c> (its <c>issuer</c> must equal <c>iss</c>), then its
/// <c>jwks_uri</c>, then the key <c>kid</c>. Only for issuers whose origin <see cref="AAuthOptions.Discovery"/> allows
/// (checked by the caller before any fetch); every fetch goes through the shared <see cref="KeyDiscovery"/> (HTTPS only,
/// no redirects, bounded, cached with rotation, single flight, last-known-good).
/// </summary>
internal sealed class AAuthIssuerDiscovery
{
    /// <summary>The <c>dwk</c> an agent token carries (draft "Agent Token Structure").</summary>
    public const string AgentMetadataDocumentName = "aauth-agent.json";

    private readonly KeyDiscovery _discovery;
    private readonly AAuthAcceptance _acceptance;
    private readonly int _maxSources;
    private readonly ConcurrentDictionary<string, AAuthMetadataKeySource> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<BackchannelDocumentReader, RemoteKeySource>> _factories = new(StringComparer.Ordinal);

    public AAuthIssuerDiscovery(KeyDiscovery discovery, AAuthAcceptance acceptance, int maxCachedKeySets)
    {
        _discovery = discovery;
        _acceptance = acceptance;
        _maxSources = Math.Max(1, maxCachedKeySets) * 2;
    }

    /// <summary>
    /// Whether <paramref name="issuer"/> may be discovered: an AAuth server identifier (a canonical HTTPS origin, compared
    /// byte for byte with its canonical form) on an origin the policy allows.
    /// </summary>
    public bool IsAllowed(string issuer) =>
        KeyDiscovery.TryParseOrigin(issuer, out var origin) && string.Equals(origin, issuer, StringComparison.Ordinal) && _discovery.IsAllowed(origin);

    /// <summary>Whether a discovered key's JOSE <c>alg</c> is one this server accepts (the JWKS is its only channel).</summary>
    public bool AcceptsAlgorithm(string algorithm) => _acceptance.AcceptsAlgorithm(algorithm);

    /// <summary>The key <paramref name="keyId"/> of <paramref name="issuer"/> (already allowed by <see cref="IsAllowed"/>).</summary>
    public ValueTask<KeySetLookup<SignatureKey>> FindAsync(string issuer, string keyId, CancellationToken cancellationToken)
    {
        if (!_factories.TryGetValue(issuer, out var factory))
        {
            if (_factories.Count >= _maxSources)
            {
                _factories.Clear();
            }
            factory = _factories.GetOrAdd(issuer, i => reader => CreateSource(i, reader));
        }
        return _discovery.FindAsync(CacheKey(issuer), factory, keyId, matchThumbprints: false, cancellationToken);
    }

    /// <summary>The draft error (<c>issuer_missing</c>, <c>issuer_mismatch</c>) of the issuer's last metadata fetch, if any.</summary>
    public string? IssuerError(string issuer) =>
        _sources.TryGetValue(CacheKey(issuer), out var source) ? source.LastIssuerError : null;

    private static string CacheKey(string issuer) => "aauth-agent-issuer " + issuer;

    private AAuthMetadataKeySource CreateSource(string issuer, BackchannelDocumentReader reader)
    {
        var source = new AAuthMetadataKeySource(new Uri(issuer + "/.well-known/" + AgentMetadataDocumentName), issuer, reader, _discovery.IsAllowed);
        if (_sources.Count >= _maxSources)
        {
            _sources.Clear();
        }
        _sources[CacheKey(issuer)] = source;
        return source;
    }
}
