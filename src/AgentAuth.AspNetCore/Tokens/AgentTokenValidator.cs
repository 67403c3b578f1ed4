using System.Collections.Frozen;
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
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private readonly FrozenDictionary<string, TokenIssuerPolicy> _issuers;
    private readonly JsonWebTokenHandler _handler;
    private readonly ValidatedTokenCache? _cache;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;
    private readonly int _maxTokenLength;
    private readonly ILogger _logger;
    private readonly IRevocationStore? _revocations;
    private readonly IntrospectionMetrics? _metrics;
    private readonly TokenIntrospector? _opaqueTokens;
    private readonly TokenIssuerOptions? _opaqueIssuer;

    /// <param name="options">The scheme options.</param>
    /// <param name="keySources">Builds the issuers' key sources (and gives the backchannel client to introspection).</param>
    /// <param name="logger">The tokens logger.</param>
    /// <param name="revocations">Asked on every validation, cache hits included; <see langword="null"/> only in tests of the validator alone.</param>
    /// <param name="metrics">Introspection and revocation counters.</param>
    /// <param name="sharedCache">The distributed cache for issuers with <see cref="TokenIntrospectionOptions.UseDistributedCache"/>.</param>
    public AgentTokenValidator(
        AgentAuthOptions options, KeySourceFactory keySources, ILogger logger, IRevocationStore? revocations = null, IntrospectionMetrics? metrics = null,
        Microsoft.Extensions.Caching.Distributed.IDistributedCache? sharedCache = null)
    {
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
        _issuers = issuers.ToFrozenDictionary(StringComparer.Ordinal);
        _handler = new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = _maxTokenLength };
        _cache = options.EnableTokenCache ? new ValidatedTokenCache(options.TokenCacheSizeLimit, _timeProvider) : null;
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
    /// (no string is built here). The in-memory store answers synchronously, so a hit stays allocation-free. A store that
    /// cannot answer throws <see cref="RevocationStoreUnavailableException"/>, which the handler answers with 503.
    /// </summary>
    private ValueTask<TokenValidationOutcome> CheckRevocation(TokenValidationOutcome outcome, CancellationToken cancellationToken)
    {
        if (_revocations is null || !outcome.Succeeded || outcome.RevocationKey is not { } key)
        {
            return new(outcome);
        }
        var revoked = _revocations.IsRevokedAsync(key, cancellationToken);
        if (revoked.IsCompletedSuccessfully)
        {
            return new(revoked.Result ? Revoked(outcome) : outcome);
        }
        return AwaitRevocationAsync(revoked, outcome);
    }

    private async ValueTask<TokenValidationOutcome> AwaitRevocationAsync(ValueTask<bool> revoked, TokenValidationOutcome outcome) =>
        await revoked.ConfigureAwait(false) ? Revoked(outcome) : outcome;

    private TokenValidationOutcome Revoked(TokenValidationOutcome outcome)
    {
        _metrics?.Revoked();
        IntrospectionLog.TokenRevoked(_logger, outcome.Issuer!.Issuer);
        return TokenValidationOutcome.Invalid("the token has been revoked");
    }

    /// <summary>The token as a string: the backing string itself when the slice is all of it, else a copy (cache misses only).</summary>
    private static string AsString(ReadOnlyMemory<char> token) =>
        MemoryMarshal.TryGetString(token, out var text, out var start, out var length) && start == 0 && length == text.Length
            ? text
            : token.ToString();

    private async ValueTask<TokenValidationOutcome> ValidateCoreAsync(string token, CancellationToken cancellationToken)
    {
        if (!TryParse(token, out var jwt, out var error))
        {
            // Not a JWT: an opaque token, judged by the issuer that claims opaque tokens (RFC 7662), if one does.
            return _opaqueTokens is not null && jwt is null && error == NotCompactJws
                ? await IntrospectOpaqueAsync(_opaqueTokens, token, cancellationToken).ConfigureAwait(false)
                : Reject(error);
        }

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
        var cacheUntil = expires;
        var hasJti = jwt.TryGetPayloadValue<string>("jti", out var jti) && !string.IsNullOrEmpty(jti);
        if (policy.Introspector is { } introspector && introspector.Checks(hasJti))
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
            var trustedUntil = _timeProvider.GetUtcNow() + introspector.Options.CacheDuration;
            if (trustedUntil < cacheUntil)
            {
                cacheUntil = trustedUntil;
            }
        }
        var revocationKey = hasJti ? RevocationKeys.ForJti(issuer, jti!) : RevocationKeys.ForToken(token);
        var outcome = TokenValidationOutcome.Success(jwt, policy.Options, confirmation, expires, cacheUntil, revocationKey, claims: null);
        outcome.ServesOneRequest = _cache is null;
        // Keyed by the string the validated token holds, so the entry keeps no second copy of the token.
        _cache?.Add(token, outcome);
        TokensLog.TokenValidated(_logger, policy.Options.Issuer, _cache is null ? "off" : "miss");
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
        var outcome = TokenValidationOutcome.Success(null, issuer, answer.Confirmation, expires, trustedUntil, RevocationKeys.ForToken(token), answer.Claims);
        _cache?.Add(token, outcome);
        IntrospectionLog.TokenIntrospected(_logger, issuer.Issuer, _cache is null ? "off" : "miss");
        return outcome;
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

    private static bool TryParse(string token, out AgentJsonWebToken jwt, out string error)
    {
        // Shape check first so IdentityModel only sees compact JWS strings: three base64url segments.
        var dots = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                jwt = null!;
                error = NotCompactJws;
                return false;
            }
        }
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
}
