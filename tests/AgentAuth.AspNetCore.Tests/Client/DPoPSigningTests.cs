using System.Net;
using System.Text;
using System.Text.Json;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>DPoP proofs made by <see cref="AgentAuthSigningHandler"/> verified by the scheme on a real Kestrel server.</summary>
public sealed class DPoPSigningTests
{
    [Theory]
    [MemberData(nameof(SigningHandlerEndToEndTests.Algorithms), MemberType = typeof(SigningHandlerEndToEndTests))]
    public async Task DPoP_bound_token_with_proof_verifies_for_each_key_type(string algorithm)
    {
        using var key = SigningHandlerEndToEndTests.Generate(algorithm);
        await using var api = await LoopbackAgentApi.StartAsync();
        var inner = new RecordingInnerHandler();
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = api.Token(LoopbackAgentApi.Jkt(key)),
            UseDPoP = true,
        }, inner)) { BaseAddress = api.BaseAddress };

        var whoami = await LoopbackAgentApi.ReadWhoAmIAsync(await client.GetAsync(new Uri("/whoami?x=1#frag", UriKind.Relative)));

        Assert.Equal("dpop", whoami["mode"]);
        Assert.Equal(key.Thumbprint, whoami["jkt"]);
        Assert.StartsWith("DPoP ", inner.LastAuthorization);
        Assert.Null(inner.LastSignatureInput);

        var parts = inner.LastDPoP!.Split('.');
        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal("dpop+jwt", header.RootElement.GetProperty("typ").GetString());
        Assert.False(header.RootElement.GetProperty("jwk").TryGetProperty("d", out _));
        Assert.Equal("GET", payload.RootElement.GetProperty("htm").GetString());
        Assert.Equal(new Uri(api.BaseAddress, "/whoami").ToString(), payload.RootElement.GetProperty("htu").GetString());
        Assert.True(payload.RootElement.TryGetProperty("ath", out _));
        Assert.True(payload.RootElement.TryGetProperty("jti", out _));
    }

    [Fact]
    public async Task Server_nonce_is_fetched_with_one_retry_and_reused_afterwards()
    {
        using var key = SignatureKey.GenerateEcdsaP256();
        await using var api = await LoopbackAgentApi.StartAsync(configure: options => options.DPoP.RequireNonce = true);
        var inner = new RecordingInnerHandler();
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = api.Token(LoopbackAgentApi.Jkt(key)),
            UseDPoP = true,
        }, inner)) { BaseAddress = api.BaseAddress };

        using var first = await client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("sent twice, arrives once", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("sent twice, arrives once", await first.Content.ReadAsStringAsync());
        Assert.Equal(2, inner.Sends);

        using var second = await client.GetAsync(new Uri("/whoami", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(3, inner.Sends);
    }

    [Fact]
    public async Task A_refused_proof_is_not_retried_without_a_nonce_challenge()
    {
        using var key = SignatureKey.GenerateEd25519();
        using var other = SignatureKey.GenerateEd25519();
        await using var api = await LoopbackAgentApi.StartAsync();
        var inner = new RecordingInnerHandler();
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = api.Token(LoopbackAgentApi.Jkt(other)),
            UseDPoP = true,
        }, inner)) { BaseAddress = api.BaseAddress };

        using var response = await client.GetAsync(new Uri("/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, inner.Sends);
    }
}
