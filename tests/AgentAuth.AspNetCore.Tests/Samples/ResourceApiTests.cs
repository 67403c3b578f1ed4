using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ResourceApi;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>samples/ResourceApi started with its shipped appsettings.json on loopback Kestrel, called by the signing client.</summary>
public sealed class ResourceApiTests : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri? _baseAddress;

    public async Task InitializeAsync()
    {
        _app = ResourceApiApp.Build(["--contentRoot", SampleFiles.PathOf("samples/ResourceApi"), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        _baseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static SignatureKey DevKey(string file)
    {
        Assert.True(Jwk.TryParse(SampleFiles.Read("samples/ResourceApi/dev/" + file), out var jwk, out var error), error);
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out error), error);
        return key!;
    }

    private HttpClient Client(SignatureKey key, string? token = null) =>
        new(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = key, AccessToken = token }, new SocketsHttpHandler())) { BaseAddress = _baseAddress };

    private static string SampleToken(SignatureKey agent, string scope)
    {
        using var issuer = DevKey("sample-issuer.private.jwk.json");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = "https://issuer.sample.local",
            ["sub"] = "agent:sample",
            ["aud"] = "http://127.0.0.1:5080",
            ["iat"] = now,
            ["exp"] = now + 300,
            ["scope"] = scope,
            ["cnf"] = new JsonObject { ["jwk"] = JsonNode.Parse(agent.ExportPublicJwkJson()) },
            ["act"] = new JsonObject { ["sub"] = "user:bob" },
        };
        return TestTokens.Mint(issuer, "EdDSA", claims, TestTokens.Header("EdDSA", issuer.KeyId, "at+jwt"));
    }

    [Fact]
    public async Task Health_answers_anonymously_and_protected_endpoints_challenge()
    {
        using var plain = new HttpClient { BaseAddress = _baseAddress };

        using var health = await plain.GetAsync(new Uri("/health", UriKind.Relative));
        using var whoami = await plain.GetAsync(new Uri("/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, whoami.StatusCode);
        Assert.Contains(whoami.Headers.WwwAuthenticate, c => c.Scheme == "DPoP");
    }

    [Theory]
    [InlineData("sample-agent-ed25519.private.jwk.json", "sample-agent-ed25519")] // AgentKeys:JsonWebKeySet
    [InlineData("sample-agent-es256.private.jwk.json", "sample-agent-es256")]     // AgentKeys:JwksFile, relative to the app
    public async Task Shipped_agent_keys_authenticate_signature_only_requests(string file, string keyId)
    {
        using var key = DevKey(file);
        using var client = Client(key);

        using var response = await client.GetAsync(new Uri("/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(keyId, body.RootElement.GetProperty("subject").GetString());
        Assert.Equal("httpsig", body.RootElement.GetProperty("authenticationMode").GetString());
        Assert.Equal(key.Thumbprint, body.RootElement.GetProperty("keyThumbprint").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("scopes").GetArrayLength());
    }

    [Fact]
    public async Task Sample_issuer_tokens_carry_scopes_to_minimal_api_and_controller_alike()
    {
        using var agent = SignatureKey.GenerateEd25519("any-agent");
        using var reader = Client(agent, SampleToken(agent, "read:data:1"));
        using var writer = Client(agent, SampleToken(agent, "write:data:*"));

        using var whoami = await reader.GetAsync(new Uri("/whoami", UriKind.Relative));
        using var body = JsonDocument.Parse(await whoami.Content.ReadAsStringAsync());
        Assert.Equal("httpsig+jwt", body.RootElement.GetProperty("authenticationMode").GetString());
        Assert.Equal("user:bob", body.RootElement.GetProperty("actorChain")[0].GetString());
        Assert.Equal("read:data:1", body.RootElement.GetProperty("scopes")[0].GetString());

        foreach (var prefix in new[] { "/data", "/mvc/data" })
        {
            using var own = await reader.GetAsync(new Uri(prefix + "/1", UriKind.Relative));
            using var other = await reader.GetAsync(new Uri(prefix + "/2", UriKind.Relative));
            using var list = await reader.GetAsync(new Uri(prefix, UriKind.Relative));
            using var denied = await reader.PostAsync(new Uri(prefix, UriKind.Relative), Json("{\"name\":\"x\"}"));
            using var created = await writer.PostAsync(new Uri(prefix, UriKind.Relative), Json("{\"name\":\"x\",\"value\":\"1\"}"));

            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Contains("insufficient_scope", denied.Headers.WwwAuthenticate.ToString());
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
    }

    [Fact]
    public async Task A_write_whose_body_does_not_match_its_digest_is_refused()
    {
        using var agent = SignatureKey.GenerateEd25519("any-agent");
        var token = SampleToken(agent, "write:data:*");
        var inner = new SwapBodyHandler();
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = agent, AccessToken = token }, inner)) { BaseAddress = _baseAddress };

        using var response = await client.PostAsync(new Uri("/data", UriKind.Relative), Json("{\"name\":\"x\"}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private sealed class SwapBodyHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var digest = request.Content!.Headers.GetValues("Content-Digest").Single();
            request.Content = Json("{\"name\":\"y\"}");
            request.Content.Headers.TryAddWithoutValidation("Content-Digest", digest);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
