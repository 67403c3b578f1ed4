using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Issue 17, the <c>jwks</c> scheme (draft-hardt-httpbis-signature-key-08 §3.7, <c>url</c> + <c>kid</c>): the JWKS is fetched
/// directly from an HTTPS URL on an allowed origin (a loopback origin with a self-signed certificate), through the shared key
/// discovery, on Kestrel. The reference signer (@hellocoop/httpsig 2.2.0) does not produce this scheme ("jwks ... not yet
/// implemented"), so these requests are signed with the core signer.
/// </summary>
public sealed class AAuthJwksTests
{
    private static readonly SignatureComponent[] s_components =
        [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("signature-key")];

    private static JsonObject PublicKeyEntry(AgentKey key, string kid)
    {
        var jwk = (JsonObject)key.PrivateJwk.DeepClone();
        jwk.Remove("d");
        jwk["kid"] = kid;
        return jwk;
    }

    private static Task<HandlerHost> StartAsync(AgentOrigin origin, string? allowedOrigin = null, bool allowJwks = true) =>
        HandlerHost.StartAsync(o =>
        {
            o.AAuth.AllowJwks = allowJwks;
            o.AAuth.AllowHwk = !allowJwks;
            o.AAuth.Discovery.AllowedOrigins.Add(allowedOrigin ?? origin.Origin);
            // Loopback is a private address: allowed here for the test origin only, through a handler that trusts its certificate.
            o.AAuth.Discovery.AllowPrivateNetworks = true;
            o.BackchannelHttpHandler = origin.Backchannel;
        }, kestrel: true);

    private static string JwksMember(string url, string kid = "key-1") => "sig=jwks;url=\"" + url + "\";kid=\"" + kid + "\"";

    private static HttpRequestMessage Signed(HandlerHost host, string signatureKey, SignatureKey key, string method = "GET")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), host.Url("/protected"));
        request.Headers.TryAddWithoutValidation("Signature-Key", signatureKey);
        var signed = new HttpMessageSigner(host.Time).Sign(new HttpRequestMessageAdapter(request), "sig", s_components,
            new SignatureParameters { OmitKeyId = true }, key);
        request.Headers.TryAddWithoutValidation("Signature-Input", signed.SignatureInput);
        request.Headers.TryAddWithoutValidation("Signature", signed.Signature);
        return request;
    }

    private static void Refused(HttpResponseMessage response, string signatureError)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([signatureError], Header(response, "Signature-Error"));
    }

    [Fact]
    public async Task Jwks_agent_on_an_allowed_origin_is_accepted_as_that_origin()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        await using var host = await StartAsync(origin);
        var url = origin.Origin + "/jwks.json";

        var principal = await SucceededAsync(await host.SendAsync(Signed(host, JwksMember(url), Ed25519A.Key)));

        Assert.Equal([origin.Origin], ClaimValues(principal, "sub"));
        Assert.Equal([url], ClaimValues(principal, AgentAuthClaimTypes.AAuthAgent));
        Assert.Equal(["jwks"], ClaimValues(principal, AgentAuthClaimTypes.AAuthScheme));
        Assert.Equal(["key-1"], ClaimValues(principal, AgentAuthClaimTypes.KeyId));
        Assert.Empty(ClaimValues(principal, AgentAuthClaimTypes.Pseudonymous));
        // One fetch, of the JWKS itself (no metadata document); the second request is served from the cache.
        Assert.Equal(1, origin.Requests);
        await SucceededAsync(await host.SendAsync(Signed(host, JwksMember(url), Ed25519A.Key)));
        Assert.Equal(1, origin.Requests);
    }

    [Fact]
    public async Task Jwks_url_on_an_origin_not_allowed_is_refused_with_invalid_key_and_nothing_is_fetched()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        await using var host = await StartAsync(origin, allowedOrigin: "https://agents.example");

        Refused(await host.SendAsync(Signed(host, JwksMember(origin.Origin + "/jwks.json"), Ed25519A.Key)), "error=invalid_key");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Jwks_unknown_kid_is_refused_with_unknown_key()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519A, "key-1")) };
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(Signed(host, JwksMember(origin.Origin + "/jwks.json", "key-2"), Ed25519A.Key)), "error=unknown_key");
    }

    [Fact]
    public async Task Jwks_key_of_another_agent_under_the_kid_does_not_verify()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = new JsonObject { ["keys"] = new JsonArray(PublicKeyEntry(Ed25519B, "key-1")) };
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(Signed(host, JwksMember(origin.Origin + "/jwks.json"), Ed25519A.Key)), "error=invalid_signature");
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/jwks.json")]
    [InlineData("https://user@127.0.0.1:1/jwks.json")]
    [InlineData("/jwks.json")]
    public async Task Jwks_url_that_is_not_plain_HTTPS_is_refused_with_invalid_key(string url)
    {
        await using var origin = await AgentOrigin.StartAsync();
        await using var host = await StartAsync(origin);

        Refused(await host.SendAsync(Signed(host, JwksMember(url), Ed25519A.Key)), "error=invalid_key");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Jwks_while_not_enabled_is_unsupported_scheme()
    {
        await using var origin = await AgentOrigin.StartAsync();
        await using var host = await StartAsync(origin, allowJwks: false);

        var response = await host.SendAsync(Signed(host, JwksMember(origin.Origin + "/jwks.json"), Ed25519A.Key));

        Refused(response, "error=unsupported_scheme");
        Assert.Equal(["hwk"], Header(response, "Accept-Signature-Scheme"));
        Assert.Equal(0, origin.Requests);
    }
}
