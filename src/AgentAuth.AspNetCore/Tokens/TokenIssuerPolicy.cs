using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// One configured issuer compiled for the hot path: its allow-lists as sets (never written after construction), its keys, and the
/// <see cref="TokenValidationParameters"/> built once (never per request).
/// </summary>
internal sealed class TokenIssuerPolicy
{
    public TokenIssuerPolicy(TokenIssuerOptions options, KeySourceGroup<SignatureKeySecurityKey> keys, IList<string> defaultAudiences, TimeSpan clockSkew, TimeProvider timeProvider)
    {
        Options = options;
        Keys = keys;
        // HashSets, not FrozenSets: a handful of names each, and freezing cost a cold start's options resolution ~2 ms.
        Algorithms = new HashSet<string>(options.ValidAlgorithms.Count == 0 ? TokenAlgorithms.Defaults : options.ValidAlgorithms, StringComparer.Ordinal);
        Types = new HashSet<string>(options.ValidTypes, StringComparer.OrdinalIgnoreCase);
        var audiences = options.Audiences.Count > 0 ? options.Audiences.ToArray() : defaultAudiences.ToArray();
        Parameters = CreateParameters(options.Issuer, audiences, Algorithms.ToArray(), clockSkew, timeProvider);
        AgentParameters = WithoutAudience(Parameters);
        // The revocation endpoint's check: the same signature path, without lifetime or audience (an expired token or one
        // for another audience of the issuer may still be revoked by its verified jti).
        RevocationParameters = WithoutAudience(Parameters);
        RevocationParameters.ValidateLifetime = false;
        RevocationParameters.RequireExpirationTime = false;
        RevocationParameters.LifetimeValidator = null;
    }

    /// <summary>
    /// The one set of token validation rules (built once per issuer, never per request): issuer (when
    /// <paramref name="issuer"/> is set; else the caller checked it), audience required and in <paramref name="audiences"/>,
    /// algorithm, signature with the key the validator resolved, lifetime from the scheme's clock.
    /// </summary>
    public static TokenValidationParameters CreateParameters(string? issuer, string[] audiences, string[] algorithms, TimeSpan clockSkew, TimeProvider timeProvider) =>
        new()
        {
            ValidIssuer = issuer,
            ValidateIssuer = issuer is not null,
            ValidAudiences = audiences,
            ValidateAudience = true,
            RequireAudience = true,
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidAlgorithms = algorithms,
            // typ is checked by AgentTokenValidator before signature work, case-insensitively (a media type,
            // RFC 7515 §4.1.9); IdentityModel would compare ordinally and disagree on "AT+JWT".
            ValidTypes = null,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            // IdentityModel reads DateTime.UtcNow; lifetime comes from the scheme's TimeProvider instead.
            LifetimeValidator = (notBefore, expires, token, _) => TokenLifetime.Check(token, timeProvider, clockSkew) is null,
            ClockSkew = clockSkew,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = static (_, securityToken, _, _) =>
                securityToken is AgentJsonWebToken token ? token.ResolvedKeys : [],
            CryptoProviderFactory = AgentCryptoProvider.Factory,
            LogValidationExceptions = false,
            SaveSigninToken = false,
            ValidateTokenReplay = false,
        };

    /// <summary>
    /// The same rules without the audience, for AAuth agent tokens only (<c>aa-agent+jwt</c> in <c>Signature-Key</c>): the
    /// AAuth protocol draft's "Agent Token Verification" checks no <c>aud</c>, and agent tokens normally carry none.
    /// </summary>
    public static TokenValidationParameters WithoutAudience(TokenValidationParameters parameters)
    {
        var clone = parameters.Clone();
        clone.ValidateAudience = false;
        clone.RequireAudience = false;
        return clone;
    }

    public TokenIssuerOptions Options { get; }

    /// <summary><see cref="Parameters"/> without lifetime and audience checks, for a token submitted to the revocation endpoint.</summary>
    public TokenValidationParameters RevocationParameters { get; }

    /// <summary>The issuer's introspection endpoint, when its tokens (or some of them) are checked there.</summary>
    public TokenIntrospector? Introspector { get; init; }

    public KeySourceGroup<SignatureKeySecurityKey> Keys { get; }

    public HashSet<string> Algorithms { get; }

    public HashSet<string> Types { get; }

    public TokenValidationParameters Parameters { get; }

    /// <summary><see cref="Parameters"/> without the audience: only for an AAuth agent token that carries no <c>aud</c>.</summary>
    public TokenValidationParameters AgentParameters { get; }
}
