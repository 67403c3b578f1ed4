using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Builds the key sources of one scheme from its options: static keys (inline JWKS, JWKS file) parsed once here, and
/// one <see cref="JwksCache{TKey}"/> per remote source. Options are validated before (see <see cref="KeyOptionsValidation"/>).
/// </summary>
internal sealed class KeySourceFactory
{
    private readonly AgentAuthOptions _options;
    private readonly IHttpClientFactory? _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly JwksMetrics _metrics;
    private BackchannelDocumentReader? _reader;

    public KeySourceFactory(AgentAuthOptions options, IHttpClientFactory? httpClientFactory, TimeProvider timeProvider, ILoggerFactory loggerFactory, JwksMetrics metrics)
    {
        _options = options;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("AgentAuth.AspNetCore.Keys");
        _metrics = metrics;
    }

    public TimeProvider TimeProvider => _timeProvider;

    public KeySourceGroup<SignatureKey> CreateAgentKeys()
    {
        var agent = _options.AgentKeys;
        var entries = new List<KeySetEntry<SignatureKey>>();
        if (!string.IsNullOrWhiteSpace(agent.JsonWebKeySet))
        {
            AddStatic(entries, AgentKeySetParsers.Static, System.Text.Encoding.UTF8.GetBytes(agent.JsonWebKeySet), "AgentAuthOptions.AgentKeys.JsonWebKeySet");
        }
        if (!string.IsNullOrWhiteSpace(agent.JwksFile))
        {
            AddStatic(entries, AgentKeySetParsers.Static, File.ReadAllBytes(agent.JwksFile), "AgentAuthOptions.AgentKeys.JwksFile");
        }
        JwksCache<SignatureKey>? remote = null;
        if (!string.IsNullOrWhiteSpace(agent.JwksUri))
        {
            var source = new JwksUriKeySource(new Uri(agent.JwksUri, UriKind.Absolute), agent.RequireHttpsMetadata, Reader());
            remote = new JwksCache<SignatureKey>(source, AgentKeySetParsers.Remote, _options.Jwks, _timeProvider, _logger, _metrics);
        }
        return new KeySourceGroup<SignatureKey>(entries.Count == 0 ? null : new KeySet<SignatureKey>(entries), remote, agent.MatchThumbprints);
    }

    /// <summary>
    /// The keys of each agent registered with the LumoAuth tenant, by agent identifier. Looked up by <c>kid</c> only: a
    /// quick-start <c>keyid</c> is <c>{agent}#{kid}</c>, never a thumbprint.
    /// </summary>
    public Dictionary<string, KeySourceGroup<SignatureKey>> CreateLumoAuthAgentKeys()
    {
        var agents = new Dictionary<string, KeySourceGroup<SignatureKey>>(StringComparer.Ordinal);
        var configured = _options.LumoAuth.Agents;
        for (var i = 0; i < configured.Count; i++)
        {
            var agent = configured[i];
            var path = $"AgentAuthOptions.LumoAuth.Agents[{i}]";
            var entries = new List<KeySetEntry<SignatureKey>>();
            if (!string.IsNullOrWhiteSpace(agent.JsonWebKeySet))
            {
                AddStatic(entries, AgentKeySetParsers.Static, System.Text.Encoding.UTF8.GetBytes(agent.JsonWebKeySet), path + ".JsonWebKeySet");
            }
            if (!string.IsNullOrWhiteSpace(agent.JwksFile))
            {
                AddStatic(entries, AgentKeySetParsers.Static, File.ReadAllBytes(agent.JwksFile), path + ".JwksFile");
            }
            JwksCache<SignatureKey>? remote = null;
            if (!string.IsNullOrWhiteSpace(agent.JwksUri))
            {
                var source = new JwksUriKeySource(new Uri(agent.JwksUri, UriKind.Absolute), requireHttps: true, Reader());
                remote = new JwksCache<SignatureKey>(source, AgentKeySetParsers.Remote, _options.Jwks, _timeProvider, _logger, _metrics);
            }
            agents[agent.Id!] = new KeySourceGroup<SignatureKey>(entries.Count == 0 ? null : new KeySet<SignatureKey>(entries), remote, matchThumbprints: false);
        }
        return agents;
    }

    public KeySourceGroup<SignatureKeySecurityKey> CreateIssuerKeys(TokenIssuerOptions issuer, int index)
    {
        var entries = new List<KeySetEntry<SignatureKeySecurityKey>>();
        if (!string.IsNullOrWhiteSpace(issuer.JsonWebKeySet))
        {
            AddStatic(entries, IssuerKeySetParser.Instance, System.Text.Encoding.UTF8.GetBytes(issuer.JsonWebKeySet), $"AgentAuthOptions.Issuers[{index}].JsonWebKeySet");
        }
        if (!string.IsNullOrWhiteSpace(issuer.PublicKeyPem))
        {
            var path = $"AgentAuthOptions.Issuers[{index}].PublicKeyPem";
            AddStatic(entries, IssuerKeySetParser.Instance, IssuerPemKey.ToJwks(issuer.PublicKeyPem, path), path);
        }
        RemoteKeySource? source = null;
        if (!string.IsNullOrWhiteSpace(issuer.JwksUri))
        {
            source = new JwksUriKeySource(new Uri(issuer.JwksUri, UriKind.Absolute), issuer.RequireHttpsMetadata, Reader());
        }
        else if (!string.IsNullOrWhiteSpace(issuer.MetadataAddress) || !string.IsNullOrWhiteSpace(issuer.Authority))
        {
            var metadata = !string.IsNullOrWhiteSpace(issuer.MetadataAddress) ? issuer.MetadataAddress : DiscoveryKeySource.MetadataAddressOf(issuer.Authority!);
            source = new DiscoveryKeySource(new Uri(metadata, UriKind.Absolute), issuer.Issuer, issuer.RequireHttpsMetadata, Reader());
        }
        var remote = source is null
            ? null
            : new JwksCache<SignatureKeySecurityKey>(source, IssuerKeySetParser.Instance, _options.Jwks, _timeProvider, _logger, _metrics);
        // Issuer keys are selected by kid; only a key published without a kid is also found by its RFC 7638 thumbprint
        // (AgentTokenValidator.FindByThumbprintWithoutKid), so a thumbprint never reaches a key whose kid says otherwise.
        return new KeySourceGroup<SignatureKeySecurityKey>(entries.Count == 0 ? null : new KeySet<SignatureKeySecurityKey>(entries), remote, matchThumbprints: false);
    }

    /// <summary>
    /// The discovered key sets of one policy (<paramref name="discovery"/>),
    /// fetched through <see cref="AgentAuthOptions.BackchannelHttpHandler"/> when set (tests, custom transports), else the
    /// discovery client that connects only to public addresses, or the ordinary backchannel when
    /// <see cref="KeyDiscoveryOptions.AllowPrivateNetworks"/> is on.
    /// </summary>
    public KeyDiscovery CreateDiscovery(KeyDiscoveryOptions discovery)
    {
        Func<HttpClient> client;
        if (_options.BackchannelHttpHandler is not null)
        {
            var shared = AgentAuthBackchannel.CreateClient(_options, null);
            client = () => shared;
        }
        else
        {
            var factory = _httpClientFactory ?? throw new InvalidOperationException(
                "AgentAuth needs IHttpClientFactory for key discovery: register it (services.AddHttpClient()) or set AgentAuthOptions.BackchannelHttpHandler.");
            var name = discovery.AllowPrivateNetworks ? AgentAuthBackchannel.HttpClientName : DiscoveryBackchannel.HttpClientName;
            client = () => factory.CreateClient(name);
        }
        var reader = new BackchannelDocumentReader(client, _timeProvider, _options.Jwks);
        return new KeyDiscovery(discovery, reader,
            source => new JwksCache<SignatureKey>(source, AgentKeySetParsers.Remote, _options.Jwks, _timeProvider, _logger, _metrics));
    }

    private void AddStatic<TKey>(List<KeySetEntry<TKey>> entries, IKeySetParser<TKey> parser, byte[] json, string optionPath) where TKey : class
    {
        // KeyOptionsValidation has refused these at startup already; this only guards a factory used without it.
        if (!parser.TryParse(json, _options.Jwks.MaxKeys, out var set, out var error))
        {
            throw new InvalidOperationException($"{optionPath} is not a usable JWK Set: {error}.");
        }
        if (KeyOptionsValidation.FindCollision(set) is { } collision)
        {
            throw new InvalidOperationException(collision.Describe(optionPath));
        }
        foreach (var skipped in set.Skipped)
        {
            // Configured keys are loaded once, so each unusable one is logged once, at startup.
            _metrics.KeySkipped(skipped.Kind);
            KeysLog.ConfiguredKeySkipped(_logger, optionPath, skipped.Index, skipped.KeyId, skipped.Kind, skipped.Reason);
        }
        entries.AddRange(set.Entries);
    }

    /// <summary>The reader for discovery documents (also used to find an issuer's <c>introspection_endpoint</c>).</summary>
    internal BackchannelDocumentReader DocumentReader() => Reader();

    private BackchannelDocumentReader Reader()
    {
        _reader ??= new BackchannelDocumentReader(BackchannelClient(), _timeProvider, _options.Jwks);
        return _reader;
    }

    private Func<HttpClient>? _client;

    /// <summary>The backchannel client (no redirects, no client-wide timeout): the caller's handler, else the named client.</summary>
    internal Func<HttpClient> BackchannelClient()
    {
        if (_client is null)
        {
            if (_options.BackchannelHttpHandler is not null)
            {
                // One client over the caller's handler, created once.
                var shared = AgentAuthBackchannel.CreateClient(_options, null);
                _client = () => shared;
            }
            else
            {
                var factory = _httpClientFactory ?? throw new InvalidOperationException(
                    "AgentAuth needs IHttpClientFactory for remote key sources: register it (services.AddHttpClient()) or set AgentAuthOptions.BackchannelHttpHandler.");
                _client = () => factory.CreateClient(AgentAuthBackchannel.HttpClientName);
            }
        }
        return _client;
    }
}
