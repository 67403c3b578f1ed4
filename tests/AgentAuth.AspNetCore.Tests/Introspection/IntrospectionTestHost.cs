using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>An API (the real scheme on a test server, fake clock) whose issuer <see cref="Issuer"/> issues opaque tokens judged by a <see cref="TestIntrospectionServer"/>.</summary>
internal sealed class IntrospectionTestHost : IAsyncDisposable
{
    public const string Issuer = "https://as.example";
    public const string Protected = HandlerHost.Origin + "/protected";

    private IntrospectionTestHost(TestIntrospectionServer server, HandlerHost host)
    {
        Server = server;
        Host = host;
    }

    public TestIntrospectionServer Server { get; }

    public HandlerHost Host { get; }

    public FakeTimeProvider Time => Host.Time;

    public static async Task<IntrospectionTestHost> StartAsync(
        Action<TokenIntrospectionOptions>? introspection = null, Action<AgentAuthOptions>? configure = null, Action<IServiceCollection>? services = null,
        TestIntrospectionServer? server = null)
    {
        server ??= await TestIntrospectionServer.StartAsync();
        var host = await HandlerHost.StartAsync(o =>
        {
            o.IncludeErrorDetails = true;
            o.AllowBearerTokens = true;
            o.AllowSignatureOnly = false;
            o.Audiences.Add(TestTokens.Audience);
            var issuer = new TokenIssuerOptions { Issuer = Issuer, RequireHttpsMetadata = false };
            issuer.Introspection.Endpoint = server.IntrospectionEndpoint;
            issuer.Introspection.OpaqueTokens = true;
            introspection?.Invoke(issuer.Introspection);
            o.Issuers.Add(issuer);
            configure?.Invoke(o);
        }, services);
        return new IntrospectionTestHost(server, host);
    }

    public static JsonObject Claims(long lifetimeSeconds = 3600) => new()
    {
        ["iss"] = Issuer,
        ["sub"] = "agent-7",
        ["aud"] = TestTokens.Audience,
        ["client_id"] = "broker-client",
        ["scope"] = "read:data write:data",
        ["exp"] = TestTokens.NowSeconds + lifetimeSeconds,
        ["iat"] = TestTokens.NowSeconds,
        ["act"] = new JsonObject { ["sub"] = "orchestrator-1" },
    };

    public static string NewOpaqueToken() => "op_" + Guid.NewGuid().ToString("N");

    public Task<HttpResponseMessage> GetAsync(string token, string scheme = "Bearer")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + token);
        return Host.SendAsync(request);
    }

    public static async Task<JsonObject> PrincipalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public static string[] ClaimValues(JsonObject principal, string type) =>
        principal["claims"]!.AsArray().Where(c => c![0]!.GetValue<string>() == type).Select(c => c![1]!.GetValue<string>()).ToArray();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Server.DisposeAsync();
    }
}
