using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// The keys and tokens of the benchmark scenarios: an agent's Ed25519 key, an issuer with an Ed25519 (EdDSA) and a P-256
/// (ES256) signing key, and tokens minted with them. Ed25519 keys verify and sign through NSec.Cryptography.
/// </summary>
public sealed class BenchmarkCredentials : IDisposable
{
    public const string Issuer = "https://issuer.bench.example";
    public const string Audience = "https://api.bench.example";
    public const string AgentKeyId = "agent-1";
    public const string IssuerEdKeyId = "issuer-ed25519";
    public const string IssuerEcKeyId = "issuer-p256";

    public BenchmarkCredentials()
    {
        AgentKey = SignatureKey.GenerateEd25519(AgentKeyId);
        IssuerEdKey = SignatureKey.GenerateEd25519(IssuerEdKeyId);
        IssuerEcdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        IssuerEcKey = SignatureKey.FromEcdsa(IssuerEcdsa, IssuerEcKeyId);
        AgentHmacSecret = RandomNumberGenerator.GetBytes(32);
        AgentHmacKey = SignatureKey.CreateHmacSha256(AgentHmacSecret, AgentHmacKeyId);
    }

    /// <summary>The <c>kid</c> of the agent's shared secret.</summary>
    public const string AgentHmacKeyId = "agent-hmac";

    /// <summary>The agent's <c>hmac-sha256</c> shared secret (32 bytes, RFC 7518 §3.2's minimum).</summary>
    public byte[] AgentHmacSecret { get; }

    /// <summary>The same secret as a signing key.</summary>
    public SignatureKey AgentHmacKey { get; }

    /// <summary>The secret as the inline agent key set configures it (<c>{"keys":[{"kty":"oct",...}]}</c>).</summary>
    public string AgentHmacJwks => new JsonObject
    {
        ["keys"] = new JsonArray(new JsonObject { ["kty"] = "oct", ["kid"] = AgentHmacKeyId, ["k"] = Base64Url.EncodeToString(AgentHmacSecret) }),
    }.ToJsonString();

    /// <summary>The agent's signing key (its public JWK is in the agent key directory).</summary>
    public SignatureKey AgentKey { get; }

    /// <summary>The issuer's EdDSA key.</summary>
    public SignatureKey IssuerEdKey { get; }

    /// <summary>The issuer's ES256 key as a SignatureKey (for minting and for the issuer JWKS).</summary>
    public SignatureKey IssuerEcKey { get; }

    /// <summary>The same P-256 key as a BCL object (for the IdentityModel baseline's static key).</summary>
    public ECDsa IssuerEcdsa { get; }

    /// <summary>The agent key directory (<c>{"keys":[agent]}</c>).</summary>
    public string AgentJwks => Jwks(AgentKey);

    /// <summary>The issuer's JWKS (both signing keys).</summary>
    public string IssuerJwks => Jwks(IssuerEdKey, IssuerEcKey);

    /// <summary>An EdDSA access token bound to the agent key by <c>cnf.jkt</c>.</summary>
    public string MintBoundEdDsaToken() => Mint(IssuerEdKey, "EdDSA", Claims(new JsonObject { ["jkt"] = AgentKey.Thumbprint }));

    /// <summary>The agent's public key with a fully specified alg, as AAuth conveys it (draft-hardt-httpbis-signature-key-08 §3.3).</summary>
    public JsonObject AgentAAuthJwk()
    {
        var jwk = JsonNode.Parse(AgentKey.ExportPublicJwkJson())!.AsObject();
        return new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = jwk["x"]!.GetValue<string>(), ["alg"] = "Ed25519" };
    }

    /// <summary>An AAuth agent token (<c>aa-agent+jwt</c>) bound to the agent key by <c>cnf.jwk</c>.</summary>
    public string MintAAuthAgentToken() => Mint(IssuerEdKey, "EdDSA", Claims(new JsonObject { ["jwk"] = AgentAAuthJwk() }), typ: "aa-agent+jwt");

    /// <summary>An ES256 bearer token (no <c>cnf</c>).</summary>
    public string MintBearerEs256Token() => Mint(IssuerEcKey, "ES256", Claims(cnf: null));

    private static JsonObject Claims(JsonObject? cnf)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = "agent-1",
            ["aud"] = Audience,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 3600,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["client_id"] = "bench-broker",
            ["scope"] = "read:orders:* write:orders:42",
        };
        if (cnf is not null)
        {
            claims["cnf"] = cnf;
        }
        return claims;
    }

    /// <summary>Signs a compact JWS with the library's JOSE signer.</summary>
    public static string Mint(SignatureKey key, string alg, JsonObject claims, string typ = "at+jwt", JsonObject? extraHeader = null)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = typ };
        if (key.KeyId is not null && extraHeader is null)
        {
            header["kid"] = key.KeyId;
        }
        if (extraHeader is not null)
        {
            foreach (var (name, value) in extraHeader)
            {
                header[name] = value?.DeepClone();
            }
        }
        var signingInput = Encode(header.ToJsonString()) + "." + Encode(claims.ToJsonString());
        var signature = new byte[512];
        if (!key.TrySignJose(alg, Encoding.ASCII.GetBytes(signingInput), signature, out var written))
        {
            throw new InvalidOperationException("The benchmark key could not sign.");
        }
        return signingInput + "." + Base64Url.EncodeToString(signature.AsSpan(0, written));
    }

    /// <summary>A DPoP proof (RFC 9449) for one request, signed by the agent key.</summary>
    public string MintDPoPProof(string htm, string htu, string accessToken)
    {
        var jwk = JsonNode.Parse(AgentKey.ExportPublicJwkJson())!.AsObject();
        jwk.Remove("alg");
        jwk.Remove("kid");
        jwk.Remove("use");
        var claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = htm,
            ["htu"] = htu,
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["ath"] = DPoPAccessTokenHash.Compute(accessToken),
        };
        return Mint(AgentKey, "EdDSA", claims, "dpop+jwt", new JsonObject { ["jwk"] = jwk });
    }

    /// <summary>A DPoP-bound EdDSA access token (<c>cnf.jkt</c> of the agent key).</summary>
    public string MintDPoPBoundToken() => MintBoundEdDsaToken();

    private static string Jwks(params SignatureKey[] keys)
    {
        var array = new JsonArray();
        foreach (var key in keys)
        {
            // No "alg": the issuer signs with EdDSA, which an exported Ed25519 JWK ("alg":"Ed25519") would exclude.
            var jwk = JsonNode.Parse(key.ExportPublicJwkJson())!.AsObject();
            jwk.Remove("alg");
            array.Add(jwk);
        }
        return new JsonObject { ["keys"] = array }.ToJsonString();
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <inheritdoc />
    public void Dispose()
    {
        AgentKey.Dispose();
        AgentHmacKey.Dispose();
        IssuerEdKey.Dispose();
        IssuerEcKey.Dispose();
        IssuerEcdsa.Dispose();
    }
}
