using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A <see cref="JsonWebToken"/> that carries the signing keys AgentAuth resolved for it (asynchronously, from the key
/// cache) before validation, so IdentityModel's synchronous key resolver only hands them over.
/// </summary>
internal sealed class AgentJsonWebToken : JsonWebToken
{
    public AgentJsonWebToken(string token)
        : base(token)
    {
    }

    public IEnumerable<SecurityKey> ResolvedKeys { get; set; } = [];
}
