using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.Testing.ReplayStores;

/// <summary>Builds one signed request (RFC 9421 with a nonce, or DPoP) for the public origin, as header sets that can be sent many times.</summary>
internal static class SignedRequests
{
    /// <summary>The origin every instance of a multi-instance test serves, so one signed request is valid at any of them.</summary>
    public const string PublicOrigin = "https://api.example";

    /// <summary>The token issuer every instance trusts.</summary>
    public const string Issuer = "https://issuer.example";

    /// <summary>The headers of <c>GET /data</c> signed by <paramref name="agentKey"/> with a fresh nonce.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> SignatureWithNonce(SignatureKey agentKey)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, PublicOrigin + "/data");
        var headers = new HttpMessageSigner().Sign(new HttpRequestMessageAdapter(message), "sig1",
            [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path],
            new SignatureParameters { Nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) }, agentKey);
        return [new("Signature-Input", headers.SignatureInput), new("Signature", headers.Signature)];
    }

    /// <summary>The headers of <c>GET /data</c> with a DPoP-bound token from <paramref name="issuerKey"/> and one proof (one <c>jti</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DPoP(SignatureKey issuerKey, SignatureKey proofKey, string proofAlg, string? nonce = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = Jws(issuerKey, issuerKey.JoseAlgorithm ?? "Ed25519",
            new JsonObject { ["alg"] = issuerKey.JoseAlgorithm ?? "Ed25519", ["kid"] = issuerKey.KeyId, ["typ"] = "at+jwt" },
            new JsonObject
            {
                ["iss"] = Issuer, ["sub"] = "agent", ["aud"] = PublicOrigin,
                ["iat"] = now, ["nbf"] = now, ["exp"] = now + 300, ["cnf"] = new JsonObject { ["jkt"] = proofKey.Thumbprint },
            });
        var jwk = JsonNode.Parse(proofKey.ExportPublicJwkJson())!.AsObject();
        jwk.Remove("alg");
        jwk.Remove("kid");
        var ath = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
        var proof = Jws(proofKey, proofAlg,
            new JsonObject { ["typ"] = "dpop+jwt", ["alg"] = proofAlg, ["jwk"] = jwk },
            new JsonObject
            {
                ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), ["htm"] = "GET",
                ["htu"] = PublicOrigin + "/data", ["iat"] = now, ["ath"] = ath,
            });
        if (nonce is not null)
        {
            var parts = proof.Split('.');
            var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
            payload["nonce"] = nonce;
            proof = Jws(proofKey, proofAlg, JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject(), payload);
        }
        return [new("Authorization", "DPoP " + token), new("DPoP", proof)];
    }

    private static string Jws(SignatureKey key, string alg, JsonObject header, JsonObject payload)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = new byte[1024];
        Assert.True(key.TrySignJose(alg, Encoding.ASCII.GetBytes(input), signature, out var written));
        return input + "." + Base64Url.EncodeToString(signature.AsSpan(0, written));
    }

    public static HttpRequestMessage ToRequest(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/data");
        foreach (var header in headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        return request;
    }
}
