using System.Net;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>
/// Issue 23 C2: the DPoP nonce a server hands out is kept for that origin only, taken only from answers to this handler's
/// own DPoP requests, only when it is a well-formed bounded RFC 9449 nonce, and forgotten after a refusal without a new one.
/// Real Kestrel servers on loopback.
/// </summary>
public sealed class DPoPNonceJammingTests
{
    private const string UseNonceChallenge = "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"";

    [Fact]
    public async Task C2_a_huge_nonce_from_another_origin_does_not_jam_the_api()
    {
        using var key = SignatureKey.GenerateEcdsaP256();
        await using var api = await LoopbackAgentApi.StartAsync(configure: options => options.DPoP.RequireNonce = true);
        await using var other = await ScriptedOrigin.StartAsync((context, _) =>
        {
            context.Response.Headers["DPoP-Nonce"] = new string('j', 6000);
            return context.Response.WriteAsync("elsewhere");
        });
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = api.Token(LoopbackAgentApi.Jkt(key)),
            UseDPoP = true,
        }, new SocketsHttpHandler())) { BaseAddress = api.BaseAddress };

        using (var first = await client.GetAsync(new Uri("/whoami", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using (var elsewhere = await client.GetAsync(new Uri(other.BaseAddress, "/page")))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }
        for (var i = 0; i < 3; i++)
        {
            using var again = await client.GetAsync(new Uri("/whoami", UriKind.Relative));
            Assert.Equal("dpop", (await LoopbackAgentApi.ReadWhoAmIAsync(again))["mode"]);
        }
    }

    public static TheoryData<string> MalformedNonces => new()
    {
        new string('a', 513), // one over DPoPNonceStore.MaxNonceLength
        "two words",
        "quote\"d",
        "back\\slash",
    };

    [Theory]
    [MemberData(nameof(MalformedNonces))]
    public async Task C2_a_malformed_or_oversized_nonce_is_never_sent_back(string nonce)
    {
        using var key = SignatureKey.GenerateEd25519();
        await using var api = await ScriptedOrigin.StartAsync((context, index) =>
        {
            context.Response.Headers["DPoP-Nonce"] = nonce;
            if (index == 0)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = UseNonceChallenge;
            }
            return Task.CompletedTask;
        });
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = "token",
            UseDPoP = true,
        }, new SocketsHttpHandler())) { BaseAddress = api.BaseAddress };

        using (var refused = await client.GetAsync(new Uri("/first", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using (var next = await client.GetAsync(new Uri("/second", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        Assert.Equal(["/first", "/second"], api.Requests.Select(r => r.PathAndQuery));
        Assert.All(api.Requests, r => Assert.Null(ScriptedOrigin.ProofNonce(r)));
    }

    [Fact]
    public async Task C2_a_nonce_is_dropped_after_a_refusal_that_brings_no_new_one()
    {
        using var key = SignatureKey.GenerateEd25519();
        await using var api = await ScriptedOrigin.StartAsync((context, index) =>
        {
            switch (index)
            {
                case 0:
                    context.Response.Headers["DPoP-Nonce"] = "nonce-1";
                    break;
                case 1:
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "DPoP error=\"invalid_dpop_proof\"";
                    break;
            }
            return Task.CompletedTask;
        });
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = "token",
            UseDPoP = true,
        }, new SocketsHttpHandler())) { BaseAddress = api.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri("/r" + i, UriKind.Relative));
        }

        var requests = api.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Null(ScriptedOrigin.ProofNonce(requests[0]));
        Assert.Equal("nonce-1", ScriptedOrigin.ProofNonce(requests[1]));
        Assert.Null(ScriptedOrigin.ProofNonce(requests[2]));
    }
}
