using System.Buffers.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The keys tokens are known by in an <see cref="IRevocationStore"/> (the contract's namespacing): <c>jti:{iss}:{jti}</c>
/// for a JWT with a <c>jti</c> (a broker revokes by <c>jti</c>), <c>tok:{base64url sha256 of the token}</c> otherwise
/// (opaque tokens, JWTs without <c>jti</c>); an opaque token whose introspection answer carries a <c>jti</c> has both.
/// Built once per validated token, never per request.
/// </summary>
internal static class RevocationKeys
{
    public static string ForJti(string issuer, string jti) => string.Concat("jti:", issuer, ":", jti);

    public static string ForToken(ReadOnlySpan<char> token)
    {
        Span<byte> digest = stackalloc byte[Sha256Key.Size];
        Sha256Key.Compute(token, digest);
        return string.Concat("tok:", Base64Url.EncodeToString(digest));
    }
}
