using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// One configured issuer compiled for the hot path: its allow-lists as frozen sets, its keys, and the
/// <see cref="TokenValidationParameters"/> built once (never per request).
/// </summary>
internal sealed class TokenIssuerPolicy
{
    public TokenIssuerPolicy(TokenIssuerOptions options, KeySourceGroup<SignatureKeySecurityKey> keys, IList<string> defaultAudiences, TimeSpan clockSkew, TimeProvider timeProvider)
    {
        Options = options;
        Keys = keys;
        Algorithms = (options.ValidAlgorithms.Count == 0 ? TokenAlgorithms.Defaults : options.ValidAlgorithms.ToArray())
            .ToFrozenSet(StringComparer.Ordinal);
        Types = options.ValidTypes.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        var audiences = options.Audiences.Count > 0 ? options.Audiences.ToArray() : defaultAudiences.ToArray();
        Parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidateIssuer = true,
            ValidAudiences = audiences,
            ValidateAudience = true,
            RequireAudience = true,
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidAlgorithms = Algorithms.ToArray(),
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
        // The revocation endpoint's check: the same signature path, without lifetime or audience (an expired token or one
        // for another audience of the issuer may still be revoked by its verified jti).
        RevocationParameters = Parameters.Clone();
        RevocationParameters.ValidateAudience = false;
        RevocationParameters.RequireAudience = false;
        RevocationParameters.ValidateLifetime = false;
        RevocationParameters.RequireExpirationTime = false;
        RevocationParameters.LifetimeValidator = null;
    }

    public TokenIssuerOptions Options { get; }

    /// <summary><see cref="Parameters"/> without lifetime and audience checks, for a token submitted to the revocation endpoint.</summary>
    public TokenValidationParameters RevocationParameters { get; }

    /// <summary>The issuer's introspection endpoint, when its tokens (or some of them) are checked there.</summary>
    public TokenIntrospector? Introspector { get; init; }

    public KeySourceGroup<SignatureKeySecurityKey> Keys { get; }

    public FrozenSet<string> Algorithms { get; }

    public FrozenSet<string> Types { get; }

    public TokenValidationParameters Parameters { get; }
}
