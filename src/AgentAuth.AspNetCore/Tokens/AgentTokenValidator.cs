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
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private readonly FrozenDictionary<string, TokenIssuerPolicy> _issuers;
    private readonly JsonWebTokenHandler _handler;
    private readonly ValidatedTokenCache? _cache;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;
    private readonly int _maxTokenLength;
    private readonly ILogger _logger;

    public AgentTokenValidator(AgentAuthOptions options, KeySourceFactory keySources, ILogger logger)
    {
        _timeProvider = keySources.TimeProvider;
        _clockSkew = options.ClockSkew;
        _maxTokenLength = options.MaxTokenLength;
        _logger = logger;
        var issuers = new Dictionary<string, TokenIssuerPolicy>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            issuers[issuer.Issuer] = new TokenIssuerPolicy(issuer, keySources.CreateIssuerKeys(issuer, i), options.Audiences, options.ClockSkew, _timeProvider);
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
            return new(cached);
        }
        return ValidateCoreAsync(AsString(token), cancellationToken);
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
            return Reject(error);
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
        var outcome = TokenValidationOutcome.Success(jwt, policy.Options, confirmation, expires);
        // Keyed by the string the validated token holds, so the entry keeps no second copy of the token.
        _cache?.Add(token, outcome);
        TokensLog.TokenValidated(_logger, policy.Options.Issuer, _cache is null ? "off" : "miss");
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
                error = "the token is not a compact JWS";
                return false;
            }
        }
        if (dots != 2)
        {
            jwt = null!;
            error = dots == 4 ? "encrypted tokens (JWE) are not accepted" : "the token is not a compact JWS";
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
