using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.AAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ResourceApi;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>
/// samples/ResourceApi with its shipped appsettings.json accepts AAuth agents signing with the reference signer: a
/// pseudonymous (hwk) agent reaches /whoami but not /agents/identified; an identified agent (jwks_uri) from the configured
/// origin reaches both (the test points the configured origin at a loopback HTTPS origin).
/// </summary>
public sealed class ResourceApiAAuthTests
{
    private static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(AgentOrigin? origin = null)
    {
        var args = new List<string> { "--contentRoot", SampleFiles.PathOf("samples/ResourceApi"), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning" };
        if (origin is not null)
        {
            args.AddRange(["--Authentication:Schemes:AgentAuth:AAuth:Discovery:AllowedOrigins:0", origin.Origin,
                "--Authentication:Schemes:AgentAuth:AAuth:Discovery:AllowPrivateNetworks", "true"]);
        }
        var app = ResourceApiApp.Build([.. args], builder =>
        {
            // The signer's clock is the tests' fixed time.
            builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Tokens.TestTokens.Now));
            if (origin is not null)
            {
                builder.Services.PostConfigure<AgentAuthOptions>(AgentAuthDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = origin.Backchannel);
            }
        });
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    [Fact]
    public async Task A_pseudonymous_hwk_agent_reaches_whoami_but_not_the_identified_endpoint()
    {
        var (app, baseAddress) = await StartAsync();
        await using var _ = app;
        using var client = new HttpClient();

        var whoami = await client.SendAsync(await SignAsync(new Uri(baseAddress, "/whoami"), Ed25519A.PrivateJwk, new JsonObject { ["type"] = "hwk" }));
        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        Assert.Contains(ThumbprintUrn(Ed25519A.Key), await whoami.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var identified = await client.SendAsync(await SignAsync(new Uri(baseAddress, "/agents/identified"), Ed25519A.PrivateJwk, new JsonObject { ["type"] = "hwk" }));
        Assert.Equal(HttpStatusCode.Forbidden, identified.StatusCode);
    }

    [Fact]
    public async Task An_identified_jwks_uri_agent_from_the_configured_origin_reaches_the_identified_endpoint()
    {
        await using var origin = await AgentOrigin.StartAsync();
        var jwk = (JsonObject)Ed25519A.PrivateJwk.DeepClone();
        jwk.Remove("d");
        jwk["kid"] = "key-1";
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(jwk) };
        var (app, baseAddress) = await StartAsync(origin);
        await using var _ = app;
        using var client = new HttpClient();

        var signatureKey = new JsonObject { ["type"] = "jwks_uri", ["id"] = origin.Origin, ["dwk"] = "aauth-agent.json", ["kid"] = "key-1" };
        var response = await client.SendAsync(await SignAsync(new Uri(baseAddress, "/agents/identified"), Ed25519A.PrivateJwk, signatureKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(origin.Origin, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
