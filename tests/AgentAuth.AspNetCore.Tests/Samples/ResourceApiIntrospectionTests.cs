using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Introspection;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ResourceApi;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>
/// samples/ResourceApi configured as docs/configuration.md says for issue 19 (command-line overrides of its appsettings):
/// an opaque-token issuer (RFC 7662) and an AgentWrit broker, against the loopback test server; a token released at the
/// broker is refused, and the revocation endpoint works for an agent with the agentauth:revoke scope.
/// </summary>
public sealed class ResourceApiIntrospectionTests : IAsyncLifetime
{
    private const string Audience = "http://127.0.0.1:5080";
    private const string Broker = "https://agentwrit.sample.local";
    private const string OpaqueIssuer = "https://as.sample.local";
    private readonly SignatureKey _brokerKey = SignatureKey.GenerateEd25519();
    private TestIntrospectionServer? _server;
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        _server = await TestIntrospectionServer.StartAsync();
        const string Issuers = "--Authentication:Schemes:AgentAuth:Issuers:";
        _app = ResourceApiApp.Build(
        [
            "--contentRoot", SampleFiles.PathOf("samples/ResourceApi"), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
            "--Authentication:Schemes:AgentAuth:AllowBearerTokens", "true",
            Issuers + "1:Issuer", Broker,
            Issuers + "1:PublicKeyPem", AgentWritTests.Ed25519PublicKeyPem(_brokerKey),
            Issuers + "1:RequireHttpsMetadata", "false",
            Issuers + "1:Introspection:Format", "AgentWrit",
            Issuers + "1:Introspection:Endpoint", _server.ValidateEndpoint,
            // Ask the broker on every request, so the release is seen at once (the default is 60 s).
            Issuers + "1:Introspection:CacheDuration", "00:00:00.001",
            Issuers + "2:Issuer", OpaqueIssuer,
            Issuers + "2:RequireHttpsMetadata", "false",
            Issuers + "2:Introspection:OpaqueTokens", "true",
            Issuers + "2:Introspection:Endpoint", _server.IntrospectionEndpoint,
            Issuers + "2:Introspection:ClientAuthentication", "ClientSecretBasic",
            Issuers + "2:Introspection:ClientId", "resource-api",
            Issuers + "2:Introspection:ClientSecret", "sample-secret",
            "--ResourceApi:RevocationEndpoint", "/agentauth/revoke",
        ]);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _brokerKey.Dispose();
    }

    private static JsonObject Claims(string issuer, string scope)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject { ["iss"] = issuer, ["sub"] = "agent:sample", ["aud"] = Audience, ["iat"] = now, ["exp"] = now + 300, ["jti"] = Guid.NewGuid().ToString("N"), ["scope"] = scope };
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await _client!.SendAsync(request);
    }

    [Fact]
    public async Task Opaque_token_is_introspected_and_its_scopes_authorize()
    {
        var token = IntrospectionTestHost.NewOpaqueToken();
        _server!.Issue(token, Claims(OpaqueIssuer, "read:data:*"));

        using var data = await GetAsync("/data", token);

        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/whoami", IntrospectionTestHost.NewOpaqueToken())).StatusCode);
        var call = _server.Received.First();
        Assert.StartsWith("Basic ", call.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentWrit_token_works_until_released_at_the_broker()
    {
        var claims = Claims(Broker, "read:data:*");
        var token = TestTokens.Mint(_brokerKey, "EdDSA", claims, TestTokens.Header("EdDSA", _brokerKey.Thumbprint));
        _server!.Issue(token, claims);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/data", token)).StatusCode);

        _server.Release(token);
        await Task.Delay(50);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/data", token)).StatusCode);
    }

    [Fact]
    public async Task Revocation_endpoint_needs_the_revoke_scope_and_then_refuses_the_token()
    {
        var victim = IntrospectionTestHost.NewOpaqueToken();
        _server!.Issue(victim, Claims(OpaqueIssuer, "read:data:*"));
        var operatorToken = IntrospectionTestHost.NewOpaqueToken();
        _server.Issue(operatorToken, Claims(OpaqueIssuer, "agentauth:revoke"));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/data", victim)).StatusCode);

        var byVictim = new HttpRequestMessage(HttpMethod.Post, "/agentauth/revoke") { Content = new FormUrlEncodedContent([new("token", victim)]) };
        byVictim.Headers.TryAddWithoutValidation("Authorization", "Bearer " + victim);
        Assert.Equal(HttpStatusCode.Forbidden, (await _client!.SendAsync(byVictim)).StatusCode);

        var revoke = new HttpRequestMessage(HttpMethod.Post, "/agentauth/revoke") { Content = new FormUrlEncodedContent([new("token", victim)]) };
        revoke.Headers.TryAddWithoutValidation("Authorization", "Bearer " + operatorToken);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(revoke)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/data", victim)).StatusCode);
    }
}
