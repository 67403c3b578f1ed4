using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Issue 17: AAuth agents signing with the reference signer (@hellocoop/httpsig 2.2.0, draft-hardt-httpbis-signature-key-08)
/// reach the scheme on real Kestrel, per Signature-Key scheme, with and without a body (content-digest); each tampered
/// variant is refused with the draft's Signature-Error. Before this change every one of these requests was refused with
/// unknown_key ("The signature has no keyid").
/// </summary>
public sealed class AAuthInteropTests
{
    private static readonly SignatureKey s_issuerKey = SignatureKey.GenerateEd25519("issuer-key-1");

    private static Task<HandlerHost> StartAsync(Action<AgentAuthOptions> configure) =>
        HandlerHost.StartAsync(configure, kestrel: true);

    private static void ConfigureJwt(AgentAuthOptions o)
    {
        o.Audiences.Add(TestTokens.Audience);
        o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(s_issuerKey, "Ed25519")) });
        o.AAuth.AllowJwt = true;
    }

    private static JsonObject Hwk => new() { ["type"] = "hwk" };

    private static JsonObject JwtKey(string token) => new() { ["type"] = "jwt", ["jwt"] = token };

    private static void Refused(HttpResponseMessage response, string signatureError)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([signatureError], Header(response, "Signature-Error"));
        Assert.Equal(["no-store"], Header(response, "Cache-Control"));
    }

    [Theory]
    [InlineData("GET", null)]
    [InlineData("POST", "{\"order\":1}")]
    public async Task Hwk_request_from_the_reference_signer_is_accepted_as_a_pseudonymous_key(string method, string? body)
    {
        await using var host = await StartAsync(o => o.AAuth.AllowHwk = true);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk, method, body);

        var principal = await SucceededAsync(await host.SendAsync(request));

        Assert.Equal([ThumbprintUrn(Ed25519A.Key)], ClaimValues(principal, "sub"));
        Assert.Equal(["true"], ClaimValues(principal, AgentAuthClaimTypes.Pseudonymous));
        Assert.Equal(["hwk"], ClaimValues(principal, AgentAuthClaimTypes.AAuthScheme));
        Assert.Equal(["aauth"], ClaimValues(principal, AgentAuthClaimTypes.AuthenticationMode));
        Assert.Equal([Ed25519A.Key.Thumbprint], ClaimValues(principal, AgentAuthClaimTypes.KeyThumbprint));
        Assert.Empty(ClaimValues(principal, "scope"));
        Assert.Equal(body ?? string.Empty, principal["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hwk_request_with_an_es256_key_is_accepted()
    {
        await using var host = await StartAsync(o => o.AAuth.AllowHwk = true);
        var p256 = NewP256();
        var principal = await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), p256.PrivateJwk, Hwk)));
        Assert.Equal([ThumbprintUrn(p256.Key)], ClaimValues(principal, "sub"));
    }

    [Fact]
    public async Task Hwk_body_that_does_not_match_its_content_digest_is_refused()
    {
        await using var host = await StartAsync(o => o.AAuth.AllowHwk = true);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk, "POST", "{\"order\":1}");
        request.Content = new ByteArrayContent("{\"order\":9}"u8.ToArray());
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        Refused(await host.SendAsync(request), "error=invalid_signature");
    }

    [Theory]
    [InlineData("GET", null)]
    [InlineData("PUT", "{\"order\":2}")]
    public async Task Jwt_agent_token_from_a_configured_issuer_is_accepted(string method, string? body)
    {
        await using var host = await StartAsync(ConfigureJwt);
        var token = MintToken(s_issuerKey, Ed25519A.Key);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token), method, body);

        var principal = await SucceededAsync(await host.SendAsync(request));

        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
        Assert.Equal(["agent-1"], ClaimValues(principal, AgentAuthClaimTypes.AAuthAgent));
        Assert.Equal(["jwt"], ClaimValues(principal, AgentAuthClaimTypes.AAuthScheme));
        Assert.Equal(["read:data:*"], ClaimValues(principal, "scope"));
        Assert.Empty(ClaimValues(principal, AgentAuthClaimTypes.Pseudonymous));
        Assert.Equal(body ?? string.Empty, principal["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Jwt_auth_token_is_accepted_without_an_agent_claim()
    {
        await using var host = await StartAsync(ConfigureJwt);
        var token = MintToken(s_issuerKey, Ed25519A.Key, typ: "aa-auth+jwt");
        var principal = await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))));
        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
        Assert.Empty(ClaimValues(principal, AgentAuthClaimTypes.AAuthAgent));
    }

    [Fact]
    public async Task Jkt_jwt_delegation_is_accepted_as_the_stable_key()
    {
        await using var host = await StartAsync(o => o.AAuth.AllowJktJwt = true);
        var stable = NewP256();
        var jktJwt = MintJktJwt(stable.Key, "ES256", Ed25519A.Key);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, new JsonObject { ["type"] = "jkt_jwt", ["jwt"] = jktJwt });

        var principal = await SucceededAsync(await host.SendAsync(request));

        Assert.Equal([ThumbprintUrn(stable.Key)], ClaimValues(principal, "sub"));
        Assert.Equal(["true"], ClaimValues(principal, AgentAuthClaimTypes.Pseudonymous));
        Assert.Equal([Ed25519A.Key.Thumbprint], ClaimValues(principal, AgentAuthClaimTypes.KeyThumbprint));
    }

    [Fact]
    public async Task Key_swapped_in_Signature_Key_is_refused_with_invalid_signature()
    {
        await using var host = await StartAsync(o => o.AAuth.AllowHwk = true);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk);
        var other = await SignAsync(host.Url("/protected"), Ed25519B.PrivateJwk, Hwk);
        ReplaceHeader(request, "Signature-Key", HeaderValue(other, "Signature-Key"));

        Refused(await host.SendAsync(request), "error=invalid_signature");
    }

    [Fact]
    public async Task Signature_that_does_not_cover_signature_key_is_refused_with_invalid_input()
    {
        await using var host = await StartAsync(o => o.AAuth.AllowHwk = true);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk, components: new JsonArray("@method", "@authority", "@path"));
        var keyed = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk);
        request.Headers.TryAddWithoutValidation("Signature-Key", HeaderValue(keyed, "Signature-Key"));

        Refused(await host.SendAsync(request), "error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"signature-key\")");
    }

    [Fact]
    public async Task Scheme_changed_to_one_not_accepted_is_refused_with_unsupported_scheme_and_the_accepted_schemes()
    {
        await using var host = await StartAsync(o => { o.AAuth.AllowHwk = true; ConfigureJwt(o); });
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk);
        ReplaceHeader(request, "Signature-Key", HeaderValue(request, "Signature-Key").Replace("sig=hwk;", "sig=x509;", StringComparison.Ordinal));

        var response = await host.SendAsync(request);

        Refused(response, "error=unsupported_scheme");
        Assert.Equal(["jwt, hwk"], Header(response, "Accept-Signature-Scheme"));
    }

    [Fact]
    public async Task Scheme_changed_to_another_accepted_scheme_does_not_verify()
    {
        await using var host = await StartAsync(o => { o.AAuth.AllowHwk = true; ConfigureJwt(o); });
        var token = MintToken(s_issuerKey, Ed25519B.Key);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk);
        // A valid token for another key, substituted for the signed hwk member: the covered Signature-Key changed.
        ReplaceHeader(request, "Signature-Key", "sig=jwt;jwt=\"" + token + "\"");

        Refused(await host.SendAsync(request), "error=invalid_signature");
    }

    [Fact]
    public async Task A_disabled_scheme_is_unsupported_scheme_naming_what_is_enabled()
    {
        await using var host = await StartAsync(ConfigureJwt);
        var response = await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk));

        Refused(response, "error=unsupported_scheme");
        Assert.Equal(["jwt"], Header(response, "Accept-Signature-Scheme"));
    }

    [Fact]
    public async Task Token_bound_to_another_key_is_refused_with_invalid_signature()
    {
        await using var host = await StartAsync(ConfigureJwt);
        var token = MintToken(s_issuerKey, Ed25519B.Key);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token));

        Refused(await host.SendAsync(request), "error=invalid_signature");
    }

    [Fact]
    public async Task Expired_token_is_refused_with_expired_jwt()
    {
        await using var host = await StartAsync(ConfigureJwt);
        var token = MintToken(s_issuerKey, Ed25519A.Key, lifetimeSeconds: -600);
        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=expired_jwt");
    }

    [Fact]
    public async Task Token_of_another_type_is_refused_with_invalid_jwt()
    {
        await using var host = await StartAsync(ConfigureJwt);
        var token = MintToken(s_issuerKey, Ed25519A.Key, typ: "at+jwt");
        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
    }

    [Fact]
    public async Task Token_from_an_untrusted_issuer_is_refused_with_invalid_jwt()
    {
        await using var host = await StartAsync(ConfigureJwt);
        var token = MintToken(SignatureKey.GenerateEd25519("issuer-key-1"), Ed25519A.Key);
        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
    }

    [Fact]
    public async Task Cnf_key_with_polymorphic_EdDSA_is_refused_as_not_fully_specified()
    {
        await using var host = await StartAsync(ConfigureJwt);
        var token = MintToken(s_issuerKey, Ed25519A.Key, holderAlg: "EdDSA");
        var response = await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token)));

        Refused(response, "error=unsupported_algorithm");
        Assert.Equal(["Ed25519, ES256"], Header(response, "Accept-Signature-Alg"));
    }

    [Fact]
    public async Task Jkt_jwt_whose_iss_is_not_its_key_thumbprint_is_refused_with_invalid_jwt()
    {
        await using var host = await StartAsync(o => o.AAuth.AllowJktJwt = true);
        var jktJwt = MintJktJwt(NewP256().Key, "ES256", Ed25519A.Key, iss: ThumbprintUrn(Ed25519B.Key));
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, new JsonObject { ["type"] = "jkt_jwt", ["jwt"] = jktJwt });

        Refused(await host.SendAsync(request), "error=invalid_jwt");
    }

    [Fact]
    public async Task Expired_jkt_jwt_is_refused_with_expired_jwt()
    {
        await using var host = await StartAsync(o => o.AAuth.AllowJktJwt = true);
        var jktJwt = MintJktJwt(NewP256().Key, "ES256", Ed25519A.Key, lifetimeSeconds: -600);
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, new JsonObject { ["type"] = "jkt_jwt", ["jwt"] = jktJwt });

        Refused(await host.SendAsync(request), "error=expired_jwt");
    }

    [Fact]
    public async Task Signature_Key_with_an_Authorization_token_is_an_invalid_request()
    {
        await using var host = await StartAsync(o => { o.AAuth.AllowHwk = true; ConfigureJwt(o); });
        var request = await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, Hwk);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + MintToken(s_issuerKey, Ed25519A.Key));

        Assert.Equal(HttpStatusCode.BadRequest, (await host.SendAsync(request)).StatusCode);
    }
}
