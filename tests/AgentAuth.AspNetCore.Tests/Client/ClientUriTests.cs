using System.Net;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>Issue 23 C3 (user-info never reaches a proof) and C4 (IDN hosts sign the punycode authority that goes on the wire).</summary>
public sealed class ClientUriTests
{
    public static TheoryData<bool> Modes => new() { false, true };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task C3_a_uri_with_user_info_is_refused_before_anything_is_sent(bool dpop)
    {
        using var key = SignatureKey.GenerateEd25519();
        await using var api = await ScriptedOrigin.LandingAsync();
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = "token",
            UseDPoP = dpop,
        }, new SocketsHttpHandler()));
        var uri = new UriBuilder(api.BaseAddress) { UserName = "agent", Password = "s3cret-password", Path = "/data" }.Uri;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync(uri));

        Assert.Contains("user-info", error.Message);
        Assert.DoesNotContain("s3cret-password", error.Message);
        Assert.Empty(api.Requests);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task C4_an_idn_host_signs_the_punycode_authority_the_server_receives(bool dpop)
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key], map: app =>
            app.MapGet("/host", (HttpContext context) => context.Request.Headers.Host.ToString()).RequireAuthorization());
        var port = api.BaseAddress.Port;
        // The request really goes over TCP to the loopback API, with the IDN host in the URI and its punycode in Host.
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = api.Token(LoopbackAgentApi.Jkt(key)),
            UseDPoP = dpop,
        }, ScriptedOrigin.LoopbackTransport(port))) { BaseAddress = new Uri("http://bücher.test:" + port + "/") };

        using var response = await client.GetAsync(new Uri("/host", UriKind.Relative));

        Assert.True(response.StatusCode == HttpStatusCode.OK, (int)response.StatusCode + " " + string.Join(" | ", response.Headers.WwwAuthenticate));
        Assert.Equal("xn--bcher-kva.test:" + port, await response.Content.ReadAsStringAsync());
    }
}
