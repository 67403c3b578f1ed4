using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>Builds DPoP proofs in tests: header and claims are editable JSON, signed with the library's JOSE signer.</summary>
internal sealed class TestProofBuilder
{
    public TestProofBuilder(SignatureKey key, string alg, string htm, string htu, string accessToken, DateTimeOffset issuedAt)
    {
        Key = key;
        Algorithm = alg;
        // Like RFC 9449's examples and common clients, the header jwk carries no 'alg' of its own.
        var jwk = JsonNode.Parse(key.ExportPublicJwkJson())!.AsObject();
        jwk.Remove("alg");
        Header = new JsonObject
        {
            ["typ"] = "dpop+jwt",
            ["alg"] = alg,
            ["jwk"] = jwk,
        };
        Claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = htm,
            ["htu"] = htu,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["ath"] = DPoPAccessTokenHash.Compute(accessToken),
        };
    }

    public SignatureKey Key { get; }

    /// <summary>The algorithm the signature is made with (the header <c>alg</c> may be edited independently).</summary>
    public string Algorithm { get; set; }

    public JsonObject Header { get; }

    public JsonObject Claims { get; }

    public string Build() => Sign(Encode(Header.ToJsonString()), Encode(Claims.ToJsonString()));

    /// <summary>Signs raw header and payload JSON text, for malformed-JSON cases.</summary>
    public string BuildRaw(string headerJson, string payloadJson) => Sign(Encode(headerJson), Encode(payloadJson));

    private string Sign(string header, string payload)
    {
        var signingInput = header + "." + payload;
        var signature = new byte[1024];
        Assert.True(Key.TrySignJose(Algorithm, Encoding.ASCII.GetBytes(signingInput), signature, out var written));
        return signingInput + "." + Base64Url.EncodeToString(signature.AsSpan(0, written));
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
