using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// An issuer key configured as a PEM public key (<see cref="TokenIssuerOptions.PublicKeyPem"/>), turned into a one-key JWKS
/// without <c>kid</c> or <c>alg</c>, so it goes through the same parser as every issuer key and is found by its RFC 7638
/// thumbprint (an RSA key then serves PKCS#1 and PSS, as an RSA JWK without <c>alg</c> does).
/// </summary>
internal static class IssuerPemKey
{
    public static bool TryToJwks(string pem, out byte[]? jwks, out string? error)
    {
        jwks = null;
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            error = "it holds a private key; configure only the issuer's public key (-----BEGIN PUBLIC KEY-----)";
            return false;
        }
        if (!SignatureKey.TryImportPem(pem, null, null, out var key, out error))
        {
            return false;
        }
        using (key)
        {
            var jwk = JsonNode.Parse(key!.ExportPublicJwkJson())!.AsObject();
            jwk.Remove("alg");
            jwk.Remove("kid");
            jwks = Encoding.UTF8.GetBytes(new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString());
            return true;
        }
    }

    public static byte[] ToJwks(string pem, string optionPath) =>
        TryToJwks(pem, out var jwks, out var error) ? jwks! : throw new InvalidOperationException($"{optionPath} is not a usable PEM public key: {error}.");
}
