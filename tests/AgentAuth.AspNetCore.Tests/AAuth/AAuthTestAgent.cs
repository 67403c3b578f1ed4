using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// An AAuth agent for the tests: signs requests with the reference signer (@hellocoop/httpsig 2.2.0 through
/// <c>tests/interop/aauth-sign.mjs</c>, its clock set to <see cref="TestTokens.Now"/>) and mints the JWTs it presents.
/// </summary>
internal static class AAuthTestAgent
{
    /// <summary>A signing key the tests hold both halves of: the SignatureKey and its private JWK (with alg) for Node.</summary>
    internal sealed record AgentKey(SignatureKey Key, JsonObject PrivateJwk);

    /// <summary>RFC 9421 B.1.4 test-key-ed25519.</summary>
    public static AgentKey Ed25519A { get; } = FromEd25519("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU");

    /// <summary>RFC 8037 A.1's Ed25519 key.</summary>
    public static AgentKey Ed25519B { get; } = FromEd25519("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");

    public static AgentKey NewP256()
    {
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(includePrivateParameters: true);
        var jwk = new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(p.Q.X),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            ["d"] = Base64UrlEncoder.Encode(p.D),
            ["alg"] = "ES256",
        };
        return new AgentKey(SignatureKey.FromEcdsa(ecdsa), jwk);
    }

    private static AgentKey FromEd25519(string x, string d)
    {
        var key = SignatureKey.CreateEd25519(Base64UrlEncoder.DecodeBytes(x), Base64UrlEncoder.DecodeBytes(d));
        return new AgentKey(key, new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = x, ["d"] = d, ["alg"] = "Ed25519" });
    }

    /// <summary>The public JWK of a key with a fully specified alg, as a token's cnf.jwk or a jkt-jwt header jwk.</summary>
    public static JsonObject PublicJwk(SignatureKey key, string alg) => TestTokens.PublicJwk(key, alg);

    /// <summary>The RFC 7638 thumbprint URN the scheme uses as a pseudonymous subject.</summary>
    public static string ThumbprintUrn(SignatureKey key) => "urn:jkt:sha-256:" + key.Thumbprint;

    /// <summary>An agent or auth token for <paramref name="holder"/>'s key, signed by the issuer key.</summary>
    public static string MintToken(SignatureKey issuer, SignatureKey holder, string typ = "aa-agent+jwt", long lifetimeSeconds = 300, string holderAlg = "Ed25519")
    {
        var claims = TestTokens.Claims(lifetimeSeconds);
        claims["cnf"] = new JsonObject { ["jwk"] = PublicJwk(holder, holderAlg) };
        return TestTokens.Mint(issuer, "Ed25519", claims, TestTokens.Header("Ed25519", issuer.KeyId, typ));
    }

    /// <summary>A jkt-jwt (draft §3.5): the stable key delegates to <paramref name="ephemeral"/>.</summary>
    public static string MintJktJwt(SignatureKey stable, string stableAlg, SignatureKey ephemeral, long lifetimeSeconds = 3600, string? iss = null)
    {
        var header = new JsonObject { ["typ"] = "jkt-s256+jwt", ["alg"] = stableAlg, ["jwk"] = PublicJwk(stable, stableAlg) };
        var claims = new JsonObject
        {
            ["iss"] = iss ?? ThumbprintUrn(stable),
            ["iat"] = TestTokens.NowSeconds,
            ["exp"] = TestTokens.NowSeconds + lifetimeSeconds,
            ["cnf"] = new JsonObject { ["jwk"] = PublicJwk(ephemeral, "Ed25519") },
        };
        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(claims.ToJsonString());
        var signature = new byte[1024];
        Assert.True(stable.TrySignJose(stableAlg, Encoding.ASCII.GetBytes(signingInput), signature, out var written));
        return signingInput + "." + Base64UrlEncoder.Encode(signature.AsSpan(0, written).ToArray());
    }

    /// <summary>Signs with the reference signer; returns the request with the signer's headers (and the body it signed).</summary>
    public static async Task<HttpRequestMessage> SignAsync(Uri url, JsonObject privateJwk, JsonObject signatureKey, string method = "GET", string? body = null, JsonArray? components = null)
    {
        var job = new JsonObject
        {
            ["method"] = method,
            ["url"] = url.ToString(),
            ["privateJwk"] = privateJwk.DeepClone(),
            ["signatureKey"] = signatureKey.DeepClone(),
            ["now"] = TestTokens.NowSeconds,
        };
        if (body is not null)
        {
            job["body"] = body;
            job["headers"] = new JsonObject { ["content-type"] = "application/json" };
        }
        if (components is not null)
        {
            job["components"] = components;
        }
        var signed = await RunAsync(job);
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        foreach (var (name, value) in signed["headers"]!.AsObject())
        {
            if (name is "signature" or "signature-input" or "signature-key" or "content-digest")
            {
                request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
            }
        }
        return request;
    }

    public static void ReplaceHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    public static string HeaderValue(HttpRequestMessage request, string name) => string.Join(", ", request.Headers.GetValues(name));

    private static async Task<JsonObject> RunAsync(JsonObject job)
    {
        return await DPoPNodeInterop.RunScriptAsync("aauth-sign.mjs", job);
    }
}
