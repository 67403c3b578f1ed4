using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Issue 17, <c>jwks_uri</c>: an identified AAuth agent whose key is discovered from its HTTPS origin (a loopback origin with
/// a self-signed certificate), signed by the reference signer, through Kestrel; refusals with the draft's errors.
/// </summary>
public sealed class AAuthJwksUriTests
{
    private static JsonObject PublicKeyEntry(AgentKey key, string kid, string? alg = "Ed25519")
    {
        var jwk = (JsonObject)key.PrivateJwk.DeepClone();
        jwk.Remove("d");
        jwk.Remove("alg");
        if (alg is not null)
        {
            jwk["alg"] = alg;
        }
        jwk["kid"] = kid;
        return jwk;
    }

    private static Task<HandlerHost> StartAsync(AgentOrigin origin, string? allowedOrigin = null) =>
        HandlerHost.StartAsync(o =>
        {
            o.AAuth.AllowJwksUri = true;
            o.AAuth.Discovery.AllowedOrigins.Add(allowedOrigin ?? origin.Origin);
            // Loopback is a private address: allowed here for the test origin only, through a handler that trusts its certificate.
            o.AAuth.Discovery.AllowPrivateNetworks = true;
            o.BackchannelHttpHandler = origin.Backchannel;
        }, kestrel: true);

    private static JsonObject JwksUriKey(AgentOrigin origin, string kid = "key-1") =>
        new() { ["type"] = "jwks_uri", ["id"] = origin.Origin, ["dwk"] = "aauth-agent.json", ["kid"] = kid };

    private static void Refused(HttpResponseMessage response, string signatureError)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([signatureError], Header(response, "Signature-Error"));
    }

    [Theory]
    [InlineData("GET", null)]
    [InlineData("POST", "{\"order\":3}")]
    public async Task Jwks_uri_agent_from_an_allowed_origin_is_accepted_as_that_origin(string method, string? body)
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        await using var host = await StartAsync(origin);

        var principal = await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin), method, body)));

        Assert.Equal([origin.Origin], ClaimValues(principal, "sub"));
        Assert.Equal([origin.Origin], ClaimValues(principal, AgentAuthClaimTypes.AAuthAgent));
        Assert.Equal(["jwks_uri"], ClaimValues(principal, AgentAuthClaimTypes.AAuthScheme));
        Assert.Equal(["key-1"], ClaimValues(principal, AgentAuthClaimTypes.KeyId));
        Assert.Empty(ClaimValues(principal, AgentAuthClaimTypes.Pseudonymous));

        // The key set is cached: a second request fetches nothing.
        var fetched = origin.Requests;
        await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin), method, body)));
        Assert.Equal(fetched, origin.Requests);
    }

    [Fact]
    public async Task Origin_not_allowed_is_refused_with_invalid_key_and_nothing_is_fetched()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        await using var host = await StartAsync(origin, allowedOrigin: "https://agents.example");

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin))), "error=invalid_key");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Unknown_kid_is_refused_with_unknown_key()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin, "key-2"))), "error=unknown_key");
    }

    [Fact]
    public async Task Key_of_another_agent_under_the_kid_does_not_verify()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519B, "key-1")) };
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin))), "error=invalid_signature");
    }

    [Fact]
    public async Task Metadata_whose_issuer_is_another_identity_is_refused_with_issuer_mismatch()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        origin.IssuerSet = true;
        origin.Issuer = "https://someone-else.example";
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin))), "error=issuer_mismatch");
    }

    [Fact]
    public async Task Metadata_without_issuer_is_refused_with_issuer_missing()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        origin.IssuerSet = true;
        origin.Issuer = null;
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin))), "error=issuer_missing");
    }

    [Fact]
    public async Task Published_key_without_alg_is_refused_with_invalid_key()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1", alg: null)) };
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwksUriKey(origin))), "error=invalid_key");
    }
}
