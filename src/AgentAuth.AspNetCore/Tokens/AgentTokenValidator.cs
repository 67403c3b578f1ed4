using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Validates the JWTs the scheme accepts (key-bound and bearer), on Microsoft.IdentityModel's
/// <see cref="JsonWebTokenHandler"/> with AgentAuth's key cache and Ed25519 support. Cheap checks come first
/// (size, shape, issuer allow-list before any key fetch, algorithm, type, lifetime), then the key is resolved
/// asynchronously, then IdentityModel verifies signature, issuer, audience and lifetime, then <c>cnf</c> is read.
/// Successful validations are cached by token text (see <see cref="ValidatedTokenCache"/>).
/// </summary>
internal sealed class AgentTokenValidator
{
    /// <summary>The default longest token accepted, in characters (a JWT with an RSA-4096 <c>cnf.jwk</c> and many scopes fits easily).</summary>
    public const int MaxTokenLength = 16 * 1024;

    private const string DPoPProofType = "dpop+jwt";
    private const string NotCompactJws = "the token is not a compact JWS";

    /// <summary>The AAuth agent token type (draft-hardt-oauth-aauth-protocol, "Agent Token Structure").</summary>
    public const string AgentTokenType = "aa-agent+jwt";
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private readonly Dictionary<string, TokenIssuerPolicy> _issuers;
    private readonly JsonWebTokenHandler _handler;
    private readonly ValidatedTokenCache? _cache;
    // Agent tokens validated by the AAuth profile (audience only when present) are cached apart, so one is never a cache hit
    // for a bearer, DPoP or bound token, which must name this API in aud.
    private readonly ValidatedTokenCache? _agentCache;
    private readonly TokenValidationParameters _discoveredAgentParameters;
    private readonly TokenValidationParameters _discoveredAgentParametersWithAudience;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;
    private readonly int _maxTokenLength;
    private readonly ILogger _logger;
    private readonly IRevocationStore _revocations;
    private readonly IntrospectionMetrics? _metrics;
    private readonly TokenIntrospector? _opaqueTokens;
    private readonly TokenIssuerOptions? _opaqueIssuer;

    /// <param name="options">The scheme options.</param>
    /// <param name="keySources">Builds the issuers' key sources (and gives the backchannel client to introspection).</param>
    /// <param name="logger">The tokens logger.</param>
    /// <param name="revocations">Asked on every validation, cache hits included. Required: the scheme never runs without a
    /// revocation check (AddAgentAuth registers the in-memory store; an application's registration replaces it).</param>
    /// <param name="metrics">Introspection and revocation counters.</param>
    /// <param name="sharedCache">The distributed cache for issuers with <see cref="TokenIntrospectionOptions.UseDistributedCache"/>.</param>
    public AgentTokenValidator(
        AgentAuthOptions options, KeySourceFactory keySources, ILogger logger, IRevocationStore revocations, IntrospectionMetrics? metrics = null,
        Microsoft.Extensions.Caching.Distributed.IDistributedCache? sharedCache = null)
    {
        ArgumentNullException.ThrowIfNull(revocations);
        _revocations = revocations;
        _metrics = metrics;
        _timeProvider = keySources.TimeProvider;
        _clockSkew = options.ClockSkew;
        _maxTokenLength = options.MaxTokenLength;
        _logger = logger;
        var issuers = new Dictionary<string, TokenIssuerPolicy>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            TokenIntrospector? introspector = null;
            if (issuer.Introspection.Enabled)
            {
                introspector = new TokenIntrospector(issuer, options.Audiences, options.ScopeClaims, options.ClockSkew, keySources.BackchannelClient(),
                    string.IsNullOrWhiteSpace(issuer.Introspection.Endpoint) ? keySources.DocumentReader() : null,
                    _timeProvider, logger, metrics ?? new IntrospectionMetrics(null), options.TokenCacheSizeLimit, sharedCache);
                if (issuer.Introspection.OpaqueTokens)
                {
                    _opaqueTokens = introspector;
                    _opaqueIssuer = issuer;
                }
            }
            issuers[issuer.Issuer] = new TokenIssuerPolicy(issuer, keySources.CreateIssuerKeys(issuer, i), options.Audiences, options.ClockSkew, _timeProvider)
            {
                Introspector = introspector,
            };
        }
        _issuers = issuers;
        _handler = new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = _maxTokenLength };
        _cache = options.EnableTokenCache ? new ValidatedTokenCache(options.TokenCacheSizeLimit, _timeProvider) : null;
        _agentCache = options.EnableTokenCache && options.AAuth.AllowJwt ? new ValidatedTokenCache(options.TokenCacheSizeLimit, _timeProvider) : null;
        // A discovered issuer is checked before its keys are fetched (iss = the metadata's issuer); the algorithm is the discovered key's.
        _discoveredAgentParametersWithAudience = TokenIssuerPolicy.CreateParameters(null, [.. options.Audiences], [.. TokenAlgorithms.Known], options.ClockSkew, _timeProvider);
        _discoveredAgentParameters = TokenIssuerPolicy.WithoutAudience(_discoveredAgentParametersWithAudience);
    }

    /// <summary>Whether any issuer is configured (no issuers: tokens are never accepted).</summary>
    public bool HasIssuers => _issuers.Count > 0;

    public ValueTask<TokenValidationOutcome> ValidateAsync(string token, CancellationToken cancellationToken) =>
        ValidateAsync(token.AsMemory(), cancellationToken);

    /// <summary>Validates a token given as a slice (of the Authorization header): a cache hit looks the slice up and copies nothing.</summary>
    public ValueTask<TokenValidationOutcome> ValidateAsync(ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        if (token.IsEmpty || token.Length > _maxTokenLength)
        {
            return new(Reject("the token is empty or too long"));
        }
        if (_cache is not null && _cache.TryGet(token.Span, out var cached))
        {
            return CheckRevocation(cached, cancellationToken);
        }
        return ValidateAndCheckRevocationAsync(AsString(token), cancellationToken);
    }

    private async ValueTask<TokenValidationOutcome> ValidateAndCheckRevocationAsync(string token, CancellationToken cancellationToken)
    {
        var outcome = await ValidateCoreAsync(token, cancellationToken).ConfigureAwait(false);
        return await CheckRevocation(outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One revocation lookup per request, cache hits included, with the key the outcome computed when it was validated
    /// (no string is built here); a second one only for an introspected token whose answer named a <c>jti</c>
    /// (<see cref="TokenValidationOutcome.JtiRevocationKey"/>). The in-memory store answers synchronously, so a hit stays
    /// allocation-free. A store that cannot answer throws <see cref="RevocationStoreUnavailableException"/>, which the
    /// handler answers with 503.
    /// </summary>
    private ValueTask<TokenValidationOutcome> CheckRevocation(TokenValidationOutcome outcome, CancellationToken cancellationToken)
    {
        if (!outcome.Succeeded || outcome.RevocationKey is not { } key)
        {
            return new(outcome);
        }
        var revoked = _revocations.IsRevokedAsync(key, cancellationToken);
        if (!revoked.IsCompletedSuccessfully)
        {
            return AwaitRevocationAsync(revoked, outcome, cancellationToken);
        }
        if (revoked.Result)
        {
            return new(Revoked(outcome));
        }
        if (outcome.JtiRevocationKey is not { } jtiKey)
        {
            return new(outcome);
        }
        var jtiRevoked = _revocations.IsRevokedAsync(jtiKey, cancellationToken);
        if (!jtiRevoked.IsCompletedSuccessfully)
        {
            return AwaitJtiRevocationAsync(jtiRevoked, outcome);
        }
        return new(jtiRevoked.Result ? Revoked(outcome) : outcome);
    }

    private async ValueTask<TokenValidationOutcome> AwaitRevocationAsync(ValueTask<bool> revoked, TokenValidationOutcome outcome, CancellationToken cancellationToken)
    {
        if (await revoked.ConfigureAwait(false))
        {
            return Revoked(outcome);
        }
        return outcome.JtiRevocationKey is { } jtiKey && await _revocations.IsRevokedAsync(jtiKey, cancellationToken).ConfigureAwait(false)
            ? Revoked(outcome)
            : outcome;
    }

    private async ValueTask<TokenValidationOutcome> AwaitJtiRevocationAsync(ValueTask<bool> revoked, TokenValidationOutcome outcome) =>
        await revoked.ConfigureAwait(false) ? Revoked(outcome) : outcome;

    private TokenValidationOutcome Revoked(TokenValidationOutcome outcome)
    {
        _metrics?.Revoked();
        IntrospectionLog.TokenRevoked(_logger, outcome.Issuer!.Issuer);
        return TokenValidationOutcome.Invalid("the token has been revoked");
    }

    /// <summary>
    /// A token in an AAuth <c>Signature-Key</c> <c>jwt</c> member. An agent token (<c>typ</c> <c>aa-agent+jwt</c>) is validated as
    /// the AAuth protocol draft's "Agent Token Verification" says: signature by a configured issuer, or by an issuer
    /// <paramref name="discovery"/> allows (<c>{iss}/.well-known/aauth-agent.json</c>, <c>dwk</c>, <c>kid</c>, <c>iat</c>
    /// required), lifetime, and <c>aud</c> only when present. Every other token is validated exactly as
    /// <see cref="ValidateAsync(ReadOnlyMemory{char}, CancellationToken)"/> does (audience required).
    /// </summary>
    public ValueTask<TokenValidationOutcome> ValidateSignatureKeyTokenAsync(ReadOnlyMemory<char> token, AAuthIssuerDiscovery? discovery, CancellationToken cancellationToken)
    {
        if (token.IsEmpty || token.Length > _maxTokenLength)
        {
            return new(Reject("the token is empty or too long"));
        }
        if ((_agentCache is not null && _agentCache.TryGet(token.Span, out var cached)) || (_cache is not null && _cache.TryGet(token.Span, out cached)))
        {
            return CheckRevocation(cached!, cancellationToken);
        }
        var text = AsString(token);
        if (!TryParse(text, out var jwt, out var error))
        {
            return new(Reject(error));
        }
        return ValidateSignatureKeyTokenAndCheckRevocationAsync(text, jwt, discovery, cancellationToken);
    }

    private async ValueTask<TokenValidationOutcome> ValidateSignatureKeyTokenAndCheckRevocationAsync(string text, AgentJsonWebToken jwt, AAuthIssuerDiscovery? discovery, CancellationToken cancellationToken)
    {
        var outcome = string.Equals(jwt.Typ, AgentTokenType, StringComparison.OrdinalIgnoreCase)
            ? await ValidateAgentTokenAsync(text, jwt, discovery, cancellationToken).ConfigureAwait(false)
            : await ValidateParsedAsync(text, jwt, cancellationToken).ConfigureAwait(false);
        return await CheckRevocation(outcome, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<TokenValidationOutcome> ValidateAgentTokenAsync(string token, AgentJsonWebToken jwt, AAuthIssuerDiscovery? discovery, CancellationToken cancellationToken)
    {
        var alg = jwt.Alg;
        if (jwt.TryGetHeaderValue<object>("crit", out _))
        {
            return Reject("the token has critical header extensions that are not supported");
        }
        // Draft step 3: exp in the future, iat (and nbf) not in the future.
        if (TokenLifetime.Check(jwt, _timeProvider, _clockSkew) is { } lifetimeError)
        {
            return Reject(lifetimeError);
        }
        // Draft steps 6-7: ps, when present, is a server identifier; parent_agent, when present, an agent identifier.
        if (jwt.TryGetClaim("ps", out _) && (!jwt.TryGetPayloadValue<string>("ps", out var personServer) || !IsServerIdentifier(personServer)))
        {
            return Reject("the agent token's ps is not an HTTPS server identifier");
        }
        if (jwt.TryGetClaim("parent_agent", out _) && (!jwt.TryGetPayloadValue<string>("parent_agent", out var parent) || !IsAgentIdentifier(parent)))
        {
            return Reject("the agent token's parent_agent is not an agent identifier");
        }
        var hasAudience = jwt.TryGetClaim("aud", out _);
        TokenValidationParameters parameters;
        TokenIssuerOptions issuerOptions;
        var issuer = jwt.Issuer;
        if (!string.IsNullOrEmpty(issuer) && _issuers.TryGetValue(issuer, out var policy))
        {
            // A configured issuer: its keys, algorithms and types, as for any of its tokens.
            if (!TokenAlgorithms.IsAsymmetric(alg) || !policy.Algorithms.Contains(alg))
            {
                return Reject("the token algorithm is not accepted");
            }
            if (policy.Types.Count > 0 && !policy.Types.Contains(AgentTokenType))
            {
                return Reject("the token type is not accepted");
            }
            if (await ResolveKeysAsync(jwt, policy, cancellationToken).ConfigureAwait(false) is { } keyError)
            {
                return keyError;
            }
            parameters = hasAudience ? policy.Parameters : policy.AgentParameters;
            issuerOptions = policy.Options;
        }
        else if (discovery is not null && !string.IsNullOrEmpty(issuer) && discovery.IsAllowed(issuer))
        {
            if (await ResolveDiscoveredKeyAsync(jwt, issuer, alg, discovery, cancellationToken).ConfigureAwait(false) is { } keyError)
            {
                return keyError;
            }
            parameters = hasAudience ? _discoveredAgentParametersWithAudience : _discoveredAgentParameters;
            issuerOptions = new TokenIssuerOptions { Issuer = issuer };
        }
        else
        {
            AAuthLog.AgentIssuerNotAllowed(_logger, string.IsNullOrEmpty(issuer) ? "(none)" : issuer.Length > 256 ? issuer[..256] : issuer);
            return Reject("the token issuer is not trusted");
        }

        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Reject(Describe(result.Exception));
        }
        return Complete(token, jwt, issuerOptions, _agentCache);
    }

    /// <summary>AAuth "Server Identifiers": <c>https://</c> and a lowercase host only (no port, path, query, fragment or trailing slash).</summary>
    internal static bool IsServerIdentifier(string? value) =>
        value is not null && KeyDiscovery.TryParseOrigin(value, out var origin) && string.Equals(origin, value, StringComparison.Ordinal)
        && value.IndexOf(':', 8) < 0;

    /// <summary>
    /// AAuth "Agent Identifiers": <c>aauth:local@domain</c>, <c>local</c> 1-255 of <c>a-z 0-9 - _ + .</c>, <c>domain</c> a
    /// lowercase DNS name (no scheme, port or path).
    /// </summary>
    internal static bool IsAgentIdentifier(string? value)
    {
        if (value is null || value.Length > 512 || !value.StartsWith("aauth:", StringComparison.Ordinal))
        {
            return false;
        }
        var rest = value.AsSpan(6);
        var at = rest.IndexOf('@');
        if (at is < 1 or > 255 || rest[..at].ContainsAnyExcept(AgentLocalCharacters))
        {
            return false;
        }
        var domain = rest[(at + 1)..];
        return domain.Length is > 0 and <= 253 && !domain.ContainsAnyExcept(DomainCharacters)
            && domain[0] != '.' && domain[0] != '-' && domain[^1] != '.' && domain[^1] != '-' && domain.IndexOf("..", StringComparison.Ordinal) < 0;
    }

    private static readonly System.Buffers.SearchValues<char> AgentLocalCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_+.");

    private static readonly System.Buffers.SearchValues<char> DomainCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-.");

    /// <summary>Draft "Agent Token Verification" step 2 for an issuer that is not configured: <c>dwk</c>, then the key <c>kid</c> from its metadata's JWKS.</summary>
    private async ValueTask<TokenValidationOutcome?> ResolveDiscoveredKeyAsync(AgentJsonWebToken jwt, string issuer, string? alg, AAuthIssuerDiscovery discovery, CancellationToken cancellationToken)
    {
        if (!jwt.TryGetPayloadValue<string>("dwk", out var dwk) || !string.Equals(dwk, AAuthIssuerDiscovery.AgentMetadataDocumentName, StringComparison.Ordinal))
        {
            return Reject("the agent token's dwk is not aauth-agent.json");
        }
        if (alg is null || !TokenAlgorithms.IsAsymmetric(alg) || !discovery.AcceptsAlgorithm(alg))
        {
            return Reject("the token algorithm is not accepted");
        }
        if (!jwt.TryGetPayloadValue<long>("iat", out _))
        {
            return Reject("the agent token has no iat");
        }
        var kid = jwt.Kid;
        if (string.IsNullOrEmpty(kid))
        {
            return Reject("the agent token has no kid");
        }
        var lookup = await discovery.FindAsync(issuer, kid, cancellationToken).ConfigureAwait(false);
        switch (lookup.Status)
        {
            case KeyLookupStatus.Found when !string.Equals(lookup.Key!.JoseAlgorithm, alg, StringComparison.Ordinal):
                // The JWKS is the only channel of a discovered key's algorithm ("JWKS Discovery and Caching").
                return Reject("the issuer's key for this kid does not carry the token's alg");
            case KeyLookupStatus.Found:
                jwt.ResolvedKeys = new SignatureKeySecurityKey(lookup.Key!).AsArray;
                return null;
            case KeyLookupStatus.Unavailable when discovery.IssuerError(issuer) is { } issuerError:
                // "Metadata Documents": no issuer is issuer_missing, another issuer is issuer_mismatch.
                AAuthLog.AgentIssuerMetadataRefused(_logger, issuer, issuerError);
                return Reject(issuerError == AgentAuthErrors.IssuerMissing
                    ? "the issuer's aauth-agent.json has no issuer"
                    : "the issuer's aauth-agent.json names another issuer", issuerError);
            case KeyLookupStatus.Unavailable:
                TokensLog.KeysUnavailable(_logger, issuer, lookup.Reason!);
                return TokenValidationOutcome.Unavailable(lookup.Reason!);
            default:
                // "JWKS Discovery and Caching": a kid absent from the (refreshed) JWKS is unknown_key.
                return Reject("the token's signing key (kid) is not known", AgentAuthErrors.UnknownKey);
        }
    }

    /// <summary>The token as a string: the backing string itself when the slice is all of it, else a copy (cache misses only).</summary>
    private static string AsString(ReadOnlyMemory<char> token) =>
        MemoryMarshal.TryGetString(token, out var text, out var start, out var length) && start == 0 && length == text.Length
            ? text
            : token.ToString();

    private ValueTask<TokenValidationOutcome> ValidateCoreAsync(string token, CancellationToken cancellationToken)
    {
        if (TryParse(token, out var jwt, out var error))
        {
            return ValidateParsedAsync(token, jwt, cancellationToken);
        }
        // Not a JWT: an opaque token, judged by the issuer that claims opaque tokens (RFC 7662), if one does.
        return _opaqueTokens is not null && jwt is null && error == NotCompactJws
            ? IntrospectOpaqueAsync(_opaqueTokens, token, cancellationToken)
            : new(Reject(error));
    }

    private async ValueTask<TokenValidationOutcome> ValidateParsedAsync(string token, AgentJsonWebToken jwt, CancellationToken cancellationToken)
    {
        // Issuer before anything that could fetch keys: an unknown issuer costs no I/O.
        var issuer = jwt.Issuer;
        if (string.IsNullOrEmpty(issuer) || !_issuers.TryGetValue(issuer, out var policy))
        {
            return Reject("the token issuer is not trusted");
        }
        var alg = jwt.Alg;
        if (!TokenAlgorithms.IsAsymmetric(alg) || !policy.Algorithms.Contains(alg))
        {
            return Reject("the token algorithm is not accepted");
        }
        // RFC 7515 §4.1.11: extensions listed in crit must be understood; AgentAuth understands none.
        if (jwt.TryGetHeaderValue<object>("crit", out _))
        {
            return Reject("the token has critical header extensions that are not supported");
        }
        var typ = jwt.Typ;
        if (string.Equals(typ, DPoPProofType, StringComparison.OrdinalIgnoreCase))
        {
            return Reject("a DPoP proof is not an access token");
        }
        if (policy.Types.Count > 0 && (string.IsNullOrEmpty(typ) || !policy.Types.Contains(typ)))
        {
            return Reject("the token type is not accepted");
        }
        if (TokenLifetime.Check(jwt, _timeProvider, _clockSkew) is { } lifetimeError)
        {
            return Reject(lifetimeError);
        }

        var keyError = await ResolveKeysAsync(jwt, policy, cancellationToken).ConfigureAwait(false);
        if (keyError is not null)
        {
            return keyError;
        }

        var result = await _handler.ValidateTokenAsync(jwt, policy.Parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Reject(Describe(result.Exception));
        }

        DateTimeOffset? cacheUntil = null;
        if (policy.Introspector is { } introspector && introspector.Checks(jwt.TryGetPayloadValue<string>("jti", out var jti) && !string.IsNullOrEmpty(jti)))
        {
            // Signature first (no call for a forged token), then the issuer's word that it is still active.
            var answer = await introspector.IntrospectAsync(token, cancellationToken).ConfigureAwait(false);
            if (answer.Status != IntrospectionStatus.Active)
            {
                return answer.Status == IntrospectionStatus.Unavailable
                    ? TokenValidationOutcome.IntrospectionUnavailable(answer.Reason!)
                    : Reject(answer.Reason!);
            }
            // The answer vouches for the token only as long as it may be cached.
            cacheUntil = _timeProvider.GetUtcNow() + introspector.Options.CacheDuration;
        }
        return Complete(token, jwt, policy.Options, _cache, cacheUntil);
    }

    /// <summary>After the signature and claims verified: reads <c>cnf</c>, builds the outcome and caches it in <paramref name="cache"/>.</summary>
    private TokenValidationOutcome Complete(string token, AgentJsonWebToken jwt, TokenIssuerOptions issuer, ValidatedTokenCache? cache, DateTimeOffset? cacheUntil = null)
    {
        ConfirmationClaim? confirmation = null;
        if (jwt.TryGetPayloadValue<JsonElement>("cnf", out var cnf))
        {
            if (!ConfirmationClaimReader.TryRead(cnf, out confirmation, out var cnfError))
            {
                return Reject(cnfError!);
            }
        }
        else if (jwt.TryGetClaim("cnf", out _))
        {
            return Reject("the cnf claim is not a JSON object");
        }

        jwt.TryGetPayloadValue<long>("exp", out var exp);
        var expires = exp >= MaxUnixSeconds ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(exp);
        var hasJti = jwt.TryGetPayloadValue<string>("jti", out var jti) && !string.IsNullOrEmpty(jti);
        var revocationKey = hasJti ? RevocationKeys.ForJti(issuer.Issuer, jti!) : RevocationKeys.ForToken(token);
        var outcome = TokenValidationOutcome.Success(jwt, issuer, confirmation, expires, cacheUntil is { } until && until < expires ? until : expires, revocationKey, claims: null);
        outcome.ServesOneRequest = cache is null;
        // Keyed by the string the validated token holds, so the entry keeps no second copy of the token.
        cache?.Add(token, outcome);
        TokensLog.TokenValidated(_logger, issuer.Issuer, cache is null ? "off" : "miss");
        return outcome;
    }

    /// <summary>
    /// An opaque token: the issuer's answer decides (RFC 7662 §2.2). An active answer becomes the same outcome a JWT would:
    /// the answer's claims, its <c>cnf</c> (whose proof the mode still requires), its <c>exp</c>, cached no longer than the
    /// answer may be trusted.
    /// </summary>
    private async ValueTask<TokenValidationOutcome> IntrospectOpaqueAsync(TokenIntrospector introspector, string token, CancellationToken cancellationToken)
    {
        var answer = await introspector.IntrospectAsync(token, cancellationToken).ConfigureAwait(false);
        switch (answer.Status)
        {
            case IntrospectionStatus.Unavailable:
                return TokenValidationOutcome.IntrospectionUnavailable(answer.Reason!);
            case IntrospectionStatus.Inactive:
                return Reject(answer.Reason!);
        }
        var now = _timeProvider.GetUtcNow();
        var trustedUntil = now + introspector.Options.CacheDuration;
        var expires = answer.Expires ?? trustedUntil;
        var issuer = _opaqueIssuer!;
        // Known by its hash and, when the answer names one, by its jti under this issuer: the key a JWT of the issuer with
        // that jti is revoked under, so a broker revoking by jti reaches its opaque tokens too.
        var jtiKey = string.IsNullOrEmpty(answer.Jti) ? null : RevocationKeys.ForJti(issuer.Issuer, answer.Jti);
        var outcome = TokenValidationOutcome.Success(null, issuer, answer.Confirmation, expires, trustedUntil, RevocationKeys.ForToken(token), answer.Claims, jtiKey);
        _cache?.Add(token, outcome);
        IntrospectionLog.TokenIntrospected(_logger, issuer.Issuer, _cache is null ? "off" : "miss");
        return outcome;
    }

    /// <summary>
    /// For the revocation endpoint: whether <paramref name="token"/> is a JWT that one of this scheme's issuers signed, checked
    /// exactly as a request's token is up to its signature (issuer allow-list, algorithm, <c>crit</c>, key by <c>kid</c> or
    /// thumbprint, signature), but without lifetime, audience or type: revoking an expired token, or one for another
    /// audience, is harmless and sometimes wanted. Only a verified token's <c>iss</c>, <c>jti</c> and <c>exp</c> are returned.
    /// </summary>
    public async ValueTask<RevocationTokenCheck> VerifyForRevocationAsync(string token, CancellationToken cancellationToken)
    {
        if (!TryParse(token, out var jwt, out _))
        {
            return new(RevocationTokenStatus.NotJwt, null, null, null, null);
        }
        var issuer = jwt.Issuer;
        if (string.IsNullOrEmpty(issuer) || !_issuers.TryGetValue(issuer, out var policy))
        {
            return new(RevocationTokenStatus.UnknownIssuer, null, null, null, "the token issuer is not trusted");
        }
        var alg = jwt.Alg;
        if (!TokenAlgorithms.IsAsymmetric(alg) || !policy.Algorithms.Contains(alg))
        {
            return new(RevocationTokenStatus.Invalid, issuer, null, null, "the token algorithm is not accepted");
        }
        if (jwt.TryGetHeaderValue<object>("crit", out _))
        {
            return new(RevocationTokenStatus.Invalid, issuer, null, null, "the token has critical header extensions that are not supported");
        }
        var keyError = await ResolveKeysAsync(jwt, policy, cancellationToken).ConfigureAwait(false);
        if (keyError is not null)
        {
            return new(keyError.Failure == TokenFailureKind.KeysUnavailable ? RevocationTokenStatus.KeysUnavailable : RevocationTokenStatus.Invalid,
                issuer, null, null, keyError.FailureDescription);
        }
        var result = await _handler.ValidateTokenAsync(jwt, policy.RevocationParameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return new(RevocationTokenStatus.Invalid, issuer, null, null, Describe(result.Exception));
        }
        var jti = jwt.TryGetPayloadValue<string>("jti", out var id) && !string.IsNullOrEmpty(id) ? id : null;
        long? exp = jwt.TryGetPayloadValue<long>("exp", out var seconds) ? seconds : null;
        return new(RevocationTokenStatus.Verified, issuer, jti, exp, null);
    }

    private async ValueTask<TokenValidationOutcome?> ResolveKeysAsync(AgentJsonWebToken jwt, TokenIssuerPolicy policy, CancellationToken cancellationToken)
    {
        var kid = jwt.Kid;
        if (!string.IsNullOrEmpty(kid))
        {
            var lookup = await policy.Keys.FindAsync(kid, cancellationToken).ConfigureAwait(false);
            switch (lookup.Status)
            {
                case KeyLookupStatus.Found when lookup.Key!.ForAlgorithm(jwt.Alg) is null:
                    return Reject("the token's signing key does not fit its algorithm");
                case KeyLookupStatus.Found:
                    jwt.ResolvedKeys = lookup.Key.AsArray;
                    return null;
                case KeyLookupStatus.Unavailable:
                    TokensLog.KeysUnavailable(_logger, policy.Options.Issuer, lookup.Reason!);
                    return TokenValidationOutcome.Unavailable(lookup.Reason!);
                default:
                    // A key published without a kid is known by its RFC 7638 thumbprint (AgentWrit's kid is exactly that).
                    if (FindByThumbprintWithoutKid(policy, kid) is { } byThumbprint)
                    {
                        if (byThumbprint.ForAlgorithm(jwt.Alg) is null)
                        {
                            return Reject("the token's signing key does not fit its algorithm");
                        }
                        jwt.ResolvedKeys = byThumbprint.AsArray;
                        return null;
                    }
                    return Reject("the token's signing key (kid) is not known");
            }
        }

        // No kid: try the issuer's keys that fit the algorithm (bounded by JwksCacheOptions.MaxKeys).
        var reason = await policy.Keys.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        if (reason is not null)
        {
            TokensLog.KeysUnavailable(_logger, policy.Options.Issuer, reason);
            return TokenValidationOutcome.Unavailable(reason);
        }
        var keys = policy.Keys.LoadedKeys();
        keys.RemoveAll(k => k.ForAlgorithm(jwt.Alg) is null);
        if (keys.Count == 0)
        {
            return Reject("no signing key of the issuer fits the token");
        }
        jwt.ResolvedKeys = keys;
        return null;
    }

    private static SignatureKeySecurityKey? FindByThumbprintWithoutKid(TokenIssuerPolicy policy, string kid)
    {
        // The lookup by kid has just loaded (or refreshed, throttled) the remote set; this only reads what is loaded.
        var keys = policy.Keys.LoadedKeys();
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(key.KeyId) && string.Equals(key.Thumbprint, kid, StringComparison.Ordinal))
            {
                return key;
            }
        }
        return null;
    }

    /// <summary>RFC 7515 §7.1: a compact JWS is three base64url (RFC 4648 §5) segments joined by dots.</summary>
    private static readonly System.Buffers.SearchValues<char> CompactJwsCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private static bool TryParse(string token, out AgentJsonWebToken jwt, out string error)
    {
        // Shape check first so IdentityModel only sees compact JWS strings: three base64url segments. Both scans are
        // vectorized (a per-character loop over the token was AgentAuth's largest own cost on a new token).
        var text = token.AsSpan();
        if (text.ContainsAnyExcept(CompactJwsCharacters))
        {
            jwt = null!;
            error = NotCompactJws;
            return false;
        }
        var dots = text.Count('.');
        if (dots != 2)
        {
            jwt = null!;
            error = dots == 4 ? "encrypted tokens (JWE) are not accepted" : NotCompactJws;
            return false;
        }
        try
        {
            jwt = new AgentJsonWebToken(token);
            error = null!;
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            jwt = null!;
            error = "the token is not a well-formed JWT";
            return false;
        }
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenSignatureKeyNotFoundException => "the token's signing key is not known",
        SecurityTokenInvalidSignatureException => "the token signature is invalid",
        SecurityTokenInvalidAudienceException => "the token audience is not accepted",
        SecurityTokenInvalidIssuerException => "the token issuer is not trusted",
        SecurityTokenInvalidAlgorithmException => "the token algorithm is not accepted",
        SecurityTokenInvalidTypeException => "the token type is not accepted",
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => "the token lifetime is invalid",
        _ => "the token is invalid",
    };

    private TokenValidationOutcome Reject(string reason)
    {
        TokensLog.TokenRejected(_logger, reason);
        return TokenValidationOutcome.Invalid(reason);
    }

    private TokenValidationOutcome Reject(string reason, string signatureKeyError)
    {
        TokensLog.TokenRejected(_logger, reason);
        return TokenValidationOutcome.Invalid(reason, signatureKeyError);
    }
}

/// <summary>What <see cref="AgentTokenValidator.VerifyForRevocationAsync"/> found.</summary>
internal enum RevocationTokenStatus
{
    /// <summary>Not a compact JWS: an opaque token, known only by its hash.</summary>
    NotJwt,

    /// <summary>A JWT whose issuer this scheme does not trust (another scheme may).</summary>
    UnknownIssuer,

    /// <summary>A JWT of a trusted issuer that does not verify.</summary>
    Invalid,

    /// <summary>The issuer's keys could not be loaded: no decision (503).</summary>
    KeysUnavailable,

    /// <summary>A JWT the issuer signed; its identifiers may be revoked.</summary>
    Verified,
}

/// <summary>The result of <see cref="AgentTokenValidator.VerifyForRevocationAsync"/>: the verified identifiers, or why not.</summary>
internal readonly record struct RevocationTokenCheck(RevocationTokenStatus Status, string? Issuer, string? Jti, long? Exp, string? Reason);
