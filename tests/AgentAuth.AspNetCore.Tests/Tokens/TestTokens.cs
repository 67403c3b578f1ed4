using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore.Tests.Tokens;

/// <summary>Mints JWS tokens by hand with the core <see cref="SignatureKey"/>, and builds validators over inline or remote keys.</summary>
internal static class TestTokens
{
    public const string Issuer = "https://issuer.example";
    public const string Audience = "https://api.example";
    public static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static long NowSeconds => Now.ToUnixTimeSeconds();

    public static JsonObject Claims(long? lifetimeSeconds = 300)
    {
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = "agent-1",
            ["aud"] = Audience,
            ["iat"] = NowSeconds,
            ["nbf"] = NowSeconds,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["scope"] = "read:data:*",
        };
        if (lifetimeSeconds is { } lifetime)
        {
            claims["exp"] = NowSeconds + lifetime;
        }
        return claims;
    }

    public static JsonObject Header(string alg, string? kid, string? typ = "JWT")
    {
        var header = new JsonObject { ["alg"] = alg };
        if (kid is not null)
        {
            header["kid"] = kid;
        }
        if (typ is not null)
        {
            header["typ"] = typ;
        }
        return header;
    }

    public static string Mint(SignatureKey key, string alg, JsonObject? claims = null, JsonObject? header = null)
    {
        header ??= Header(alg, key.KeyId);
        claims ??= Claims();
        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(claims.ToJsonString());
        var signature = new byte[1024];
        Assert.True(key.TrySignJose(alg, Encoding.ASCII.GetBytes(signingInput), signature, out var written));
        return signingInput + "." + Base64UrlEncoder.Encode(signature.AsSpan(0, written).ToArray());
    }

    /// <summary>The public JWK of a key with its <c>alg</c> replaced (or removed when <paramref name="alg"/> is null).</summary>
    public static JsonObject PublicJwk(SignatureKey key, string? alg)
    {
        var jwk = JsonNode.Parse(key.ExportPublicJwkJson())!.AsObject();
        jwk.Remove("alg");
        if (alg is not null)
        {
            jwk["alg"] = alg;
        }
        return jwk;
    }

    public static string Jwks(params JsonObject[] keys)
    {
        var array = new JsonArray();
        foreach (var key in keys)
        {
            array.Add(JsonNode.Parse(key.ToJsonString()));
        }
        return new JsonObject { ["keys"] = array }.ToJsonString();
    }

    public static AgentAuthOptions Options(string? inlineJwks, Action<TokenIssuerOptions>? configure = null)
    {
        var options = new AgentAuthOptions();
        options.Audiences.Add(Audience);
        var issuer = new TokenIssuerOptions { Issuer = Issuer, JsonWebKeySet = inlineJwks };
        configure?.Invoke(issuer);
        options.Issuers.Add(issuer);
        return options;
    }

    public static AgentTokenValidator Validator(AgentAuthOptions options, FakeTimeProvider time, HttpMessageHandler? backchannel = null)
    {
        if (backchannel is not null)
        {
            options.BackchannelHttpHandler = backchannel;
        }
        var failures = new List<string>();
        KeyOptionsValidation.Validate(options, failures);
        Assert.Empty(failures);
        var factory = new KeySourceFactory(options, null, time, NullLoggerFactory.Instance, new JwksMetrics(null));
        return new AgentTokenValidator(options, factory, NullLogger.Instance,
            new MemoryRevocationStore(Microsoft.Extensions.Options.Options.Create(new MemoryRevocationStoreOptions()), time));
    }

    public static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["sub"] = "someone-else";
        return parts[0] + "." + Base64UrlEncoder.Encode(payload.ToJsonString()) + "." + parts[2];
    }

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
