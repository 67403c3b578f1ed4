using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.HttpSignatures.StructuredFields;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// The scheme on real Kestrel (127.0.0.1) as an AAuth resource: the issuer of <see cref="TokenSetup"/> plays the person server,
/// the well-known endpoints are mapped, and <c>/scoped</c> requires the scope <c>read:documents:all</c>.
/// </summary>
internal sealed class AAuthResourceHost : IAsyncDisposable
{
    public const string Issuer = "https://resource.example";
    public const string RequiredScope = "read:documents:all";

    /// <summary>RFC 8037 Appendix A.1: an Ed25519 key pair, here the resource's current signing key.</summary>
    public const string CurrentKeyJwk =
        "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"kid\":\"res-2026-12\"}";

    public const string CurrentKeyId = "res-2026-12";

    private AAuthResourceHost(TokenSetup setup, HandlerHost host, ECDsa previousKey)
    {
        Setup = setup;
        Host = host;
        PreviousKey = previousKey;
    }

    public TokenSetup Setup { get; }

    public HandlerHost Host { get; }

    /// <summary>The P-256 key the resource signed with before the rotation; configured as a public-only PEM.</summary>
    public ECDsa PreviousKey { get; }

    public FakeTimeProvider Time => Setup.Time;

    public static async Task<AAuthResourceHost> StartAsync(Action<AAuthResourceOptions>? configure = null, Action<AgentAuthOptions>? scheme = null, bool mapMetadata = true)
    {
        var setup = new TokenSetup();
        var previous = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = setup.Agent.Jwks;
            o.IncludeErrorDetails = true;
            o.AllowBearerTokens = true;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = setup.IssuerJwks });
            // What a 401 advertises is what the Signature-Key verifier accepts (AAuthAcceptance): the jwt scheme and these algorithms.
            o.AAuth.AllowJwt = true;
            foreach (var algorithm in (string[])["Ed25519", "ES256", "ES384", "PS512", "RS256"])
            {
                o.AAuth.Algorithms.Add(algorithm);
            }
            var resource = o.AAuth.Resource;
            resource.Enabled = true;
            resource.Issuer = Issuer;
            resource.Requirement = "agent-token";
            resource.SigningKey.Jwk = CurrentKeyJwk;
            resource.PreviousKeys.Add(new AAuthResourceKeyOptions { Pem = previous.ExportSubjectPublicKeyInfoPem(), KeyId = "res-2026-11" });
            resource.AccessMode = "auth-token";
            resource.Name = "Example Data Service";
            resource.ScopeDescriptions[RequiredScope] = "Read access to your data and documents";
            configure?.Invoke(resource);
            scheme?.Invoke(o);
        }, beforeAuthentication: app =>
        {
            if (mapMetadata)
            {
                app.MapAAuthResourceMetadata();
            }
            app.MapGet("/scoped", () => Results.Text("ok")).RequireScope(RequiredScope);
            // An application's own authorization_endpoint ("Authorization Endpoint Request"), minting with the scheme's key.
            app.MapPost("/authorize", (HttpContext context) => context.CreateAAuthResourceToken("read:documents:all") is { } token
                ? Results.Json(new Dictionary<string, string> { ["resource_token"] = token })
                : Results.Text("person token required", statusCode: StatusCodes.Status401Unauthorized)).RequireAuthorization();
        }, kestrel: true, time: setup.Time);
        return new AAuthResourceHost(setup, host, previous);
    }

    public HttpClient Client => Host.Client;

    /// <summary>
    /// A person token (<c>aa-person+jwt</c> claims: <c>dwk</c> <c>aauth-person.json</c>, no <c>ps</c>, no scope) from the test issuer
    /// acting as the person server, bound by <c>cnf.jkt</c> to the agent's key and presented with a request the agent signs.
    /// </summary>
    public HttpRequestMessage PersonTokenRequest(string path, Action<JsonObject>? claims = null, HttpMethod? method = null)
    {
        var token = Setup.BoundToken(c =>
        {
            c["dwk"] = "aauth-person.json";
            c["sub"] = "8f14e45fceea167a5a36dedd4bea2543";
            c["jti"] = "pt-3ab910";
            c.Remove("scope");
            claims?.Invoke(c);
        });
        var request = TestAgent.Request(method ?? HttpMethod.Get, Host.Url(path).ToString(), token: token);
        return Setup.Agent.Sign(request);
    }

    public static string[] Header(HttpResponseMessage response, string name) => ResponseAssert.Header(response, name);

    /// <summary>Parses <c>AAuth-Requirement</c> as the RFC 8941 dictionary it is; returns the requirement token and its parameters.</summary>
    public static (string Requirement, SfParameters Parameters) ParseRequirement(HttpResponseMessage response)
    {
        var value = Assert.Single(Header(response, "AAuth-Requirement"));
        Assert.True(StructuredFieldParser.TryParseDictionary(value, out var dictionary, out var error), error);
        Assert.True(dictionary.TryGetValue("requirement", out var member));
        var item = Assert.IsType<SfItem>(member);
        Assert.Equal(SfItemKind.Token, item.BareItem.Kind);
        return (item.BareItem.StringValue!, item.Parameters);
    }

    /// <summary>Fetches the JWKS the metadata names and verifies <paramref name="jwt"/> with the key its <c>kid</c> selects.</summary>
    public async Task<(JsonObject Header, JsonObject Payload)> VerifyWithPublishedKeyAsync(string jwt)
    {
        using var metadata = JsonDocument.Parse(await Client.GetStringAsync("/.well-known/aauth-resource.json"));
        var jwksUri = new Uri(metadata.RootElement.GetProperty("jwks_uri").GetString()!);
        Assert.Equal(Issuer, jwksUri.GetLeftPart(UriPartial.Authority));
        using var jwks = JsonDocument.Parse(await Client.GetStringAsync(jwksUri.AbsolutePath));

        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Base64UrlDecode(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(Base64UrlDecode(parts[1]))!.AsObject();
        var kid = header["kid"]!.GetValue<string>();
        var alg = header["alg"]!.GetValue<string>();
        JsonElement? selected = null;
        foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            if (key.GetProperty("kid").GetString() == kid)
            {
                selected = key;
            }
        }
        Assert.True(selected.HasValue, "no published key has the kid " + kid);
        Assert.Equal(alg, selected.Value.GetProperty("alg").GetString());
        Assert.True(Jwk.TryParse(selected.Value.GetRawText(), out var jwk, out var error), error);
        Assert.True(SignatureKey.TryCreate(jwk!, out var publicKey, out error), error);
        using (publicKey)
        {
            Assert.True(publicKey!.VerifyJose(alg, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64UrlDecode(parts[2])),
                "the resource token does not verify with the published key " + kid);
        }
        return (header, payload);
    }

    public static byte[] Base64UrlDecode(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Setup.DisposeAsync();
        PreviousKey.Dispose();
    }
}
