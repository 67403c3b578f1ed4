using System.Net;
using System.Text;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>
/// Issue 23 C1: credentials never follow a redirect to another origin, same-origin redirects are re-signed, and the token
/// goes only to the client's own origin. Real Kestrel servers on loopback; two ports are two origins.
/// </summary>
public sealed class SigningClientRedirectTests
{
    public static TheoryData<bool> Modes => new() { false, true };

    private static AgentAuthSigningOptions Options(SignatureKey key, string? token, bool dpop) =>
        new() { Key = key, AccessToken = token, UseDPoP = dpop };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task C1_cross_origin_redirect_carries_no_signature_proof_or_token(bool dpop)
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var other = await ScriptedOrigin.LandingAsync();
        await using var redirector = await ScriptedOrigin.RedirectingAsync(StatusCodes.Status307TemporaryRedirect, () => new Uri(other.BaseAddress, "/landing"));
        using var client = new HttpClient(new AgentAuthSigningHandler(Options(key, "token-for-the-api", dpop), new SocketsHttpHandler()))
        {
            BaseAddress = redirector.BaseAddress,
        };

        using var response = await client.PostAsync(new Uri("/api/orders", UriKind.Relative), new StringContent("order", Encoding.UTF8));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(redirector.Requests.Single().HasCredentials);
        var landed = Assert.Single(other.Requests);
        Assert.Equal("POST", landed.Method);
        Assert.Equal("order", landed.Body);
        Assert.False(landed.HasCredentials, string.Join(", ", landed.Headers.Keys));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task C1_same_origin_redirect_is_re_signed_and_verifies(bool dpop)
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key], map: app =>
            app.MapGet("/moved", () => Results.Redirect("/whoami?from=moved")));
        using var client = new HttpClient(new AgentAuthSigningHandler(
            Options(key, api.Token(LoopbackAgentApi.Jkt(key)), dpop), new SocketsHttpHandler())) { BaseAddress = api.BaseAddress };

        var whoami = await LoopbackAgentApi.ReadWhoAmIAsync(await client.GetAsync(new Uri("/moved", UriKind.Relative)));

        Assert.Equal(dpop ? "dpop" : "httpsig+jwt", whoami["mode"]);
        Assert.Equal(key.Thumbprint, whoami["jkt"]);
    }

    [Fact]
    public async Task C1_302_after_post_becomes_get_while_307_and_308_keep_method_and_body()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key], map: app =>
        {
            app.MapPost("/found", (HttpContext context) =>
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = "/whoami";
            });
            app.MapPost("/temporary", () => Results.Redirect("/echo", permanent: false, preserveMethod: true));
            app.MapPost("/permanent", () => Results.Redirect("/echo", permanent: true, preserveMethod: true));
        });
        using var client = new HttpClient(new AgentAuthSigningHandler(Options(key, null, dpop: false), new SocketsHttpHandler()))
        {
            BaseAddress = api.BaseAddress,
        };

        using (var found = await client.PostAsync(new Uri("/found", UriKind.Relative), new StringContent("dropped")))
        {
            Assert.Equal("httpsig", (await LoopbackAgentApi.ReadWhoAmIAsync(found))["mode"]);
            Assert.Equal(HttpMethod.Get, found.RequestMessage!.Method);
        }
        using (var temporary = await client.PostAsync(new Uri("/temporary", UriKind.Relative), new StringContent("kept by 307")))
        {
            Assert.Equal(HttpStatusCode.OK, temporary.StatusCode);
            Assert.Equal("kept by 307", await temporary.Content.ReadAsStringAsync());
        }
        using (var permanent = await client.PostAsync(new Uri("/permanent", UriKind.Relative), new StringContent("kept by 308")))
        {
            Assert.Equal(HttpStatusCode.OK, permanent.StatusCode);
            Assert.Equal("kept by 308", await permanent.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task C1_303_after_post_is_followed_with_get()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key], map: app =>
            app.MapPost("/see-other", (HttpContext context) =>
            {
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                context.Response.Headers.Location = "/whoami";
            }));
        using var client = new HttpClient(new AgentAuthSigningHandler(Options(key, null, dpop: false), new SocketsHttpHandler()))
        {
            BaseAddress = api.BaseAddress,
        };

        using var response = await client.PostAsync(new Uri("/see-other", UriKind.Relative), new StringContent("form"));

        Assert.Equal("httpsig", (await LoopbackAgentApi.ReadWhoAmIAsync(response))["mode"]);
        Assert.Equal(HttpMethod.Get, response.RequestMessage!.Method);
        Assert.Null(response.RequestMessage.Content);
    }

    [Fact]
    public async Task C1_absolute_uri_to_another_origin_gets_no_token_from_a_factory_client()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync();
        await using var other = await ScriptedOrigin.LandingAsync();
        var services = new ServiceCollection();
        services.AddHttpClient("agent", c => c.BaseAddress = api.BaseAddress)
            .AddAgentAuthSigning(o =>
            {
                o.Key = key;
                o.AccessToken = api.Token(LoopbackAgentApi.CnfJwk(key));
            });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("agent");

        var whoami = await LoopbackAgentApi.ReadWhoAmIAsync(await client.GetAsync(new Uri("/whoami", UriKind.Relative)));
        using var elsewhere = await client.GetAsync(new Uri(other.BaseAddress, "/collect"));

        Assert.Equal("httpsig+jwt", whoami["mode"]);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.False(Assert.Single(other.Requests).HasCredentials);
    }

    [Fact]
    public async Task C1_factory_client_with_its_own_primary_handler_does_not_let_it_follow_redirects()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var other = await ScriptedOrigin.LandingAsync();
        await using var redirector = await ScriptedOrigin.RedirectingAsync(StatusCodes.Status302Found, () => new Uri(other.BaseAddress, "/landing"));
        var services = new ServiceCollection();
        services.AddHttpClient("agent", c => c.BaseAddress = redirector.BaseAddress)
            .AddAgentAuthSigning(o =>
            {
                o.Key = key;
                o.AccessToken = "token-for-the-api";
            })
            // Configured after the signing handler: the redirect switch must still reach it.
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = true });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("agent");

        using var response = await client.GetAsync(new Uri("/start", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(redirector.Requests.Single().HasCredentials);
        Assert.False(Assert.Single(other.Requests).HasCredentials, string.Join(", ", other.Requests.Single().Headers.Keys));
    }
}
