using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>Token time checks against the scheme's <see cref="TimeProvider"/>: <c>exp</c> required, <c>nbf</c>, <c>iat</c> not in the future.</summary>
internal static class TokenLifetime
{
    /// <summary>Returns <see langword="null"/> when the token is within its lifetime, else a short reason.</summary>
    public static string? Check(SecurityToken? securityToken, TimeProvider timeProvider, TimeSpan clockSkew)
    {
        if (securityToken is not JsonWebToken token)
        {
            return "the token is not a JWT";
        }
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)clockSkew.TotalSeconds;
        if (!token.TryGetPayloadValue<long>("exp", out var exp))
        {
            return "the token has no exp claim";
        }
        // Written so that no claim value can overflow the comparison.
        if (now - skew >= exp)
        {
            return "the token has expired";
        }
        if (token.TryGetPayloadValue<long>("nbf", out var nbf))
        {
            if (nbf - skew > now)
            {
                return "the token is not valid yet (nbf)";
            }
        }
        else if (token.TryGetClaim("nbf", out _))
        {
            return "the token's nbf is not a number";
        }
        if (token.TryGetPayloadValue<long>("iat", out var iat))
        {
            if (iat - skew > now)
            {
                return "the token was issued in the future (iat)";
            }
        }
        else if (token.TryGetClaim("iat", out _))
        {
            return "the token's iat is not a number";
        }
        return null;
    }
}
