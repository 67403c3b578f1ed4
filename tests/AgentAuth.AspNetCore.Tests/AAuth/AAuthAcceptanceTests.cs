using System.Net;
using System.Text.Json;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.HttpSignatures;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Issue 17: one answer to "which Signature-Key schemes and algorithms does this resource accept" (AAuthAcceptance): the 401
/// advertisement, the metadata's <c>accept_signature_algs</c>, and the <c>unsupported_scheme</c> / <c>unsupported_algorithm</c>
/// refusals all name the enabled schemes (in preference order) and <c>AAuth:Algorithms</c> in JOSE names
/// (draft-hardt-httpbis-signature-key-08 §4.1, §4.2). Through the whole scheme.
/// </summary>
public sealed class AAuthAcceptanceTests
{
    private static readonly SignatureComponent[] s_components =
        [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("signature-key")];

    private static void OnlyEd25519WithHwkAndJwksUri(AgentAuthOptions o)
    {
        o.AAuth.AllowHwk = true;
        o.AAuth.AllowJwksUri = true;
        o.AAuth.Discovery.AllowedOrigins.Add("https://agents.example");
        o.AAuth.Algorithms.Clear();
        o.AAuth.Algorithms.Add("Ed25519");
    }

    [Fact]
    public async Task The_401_advertisement_and_metadata_are_the_verifiers_schemes_and_algorithms()
    {
        await using var host = await AAuthResourceHost.StartAsync(scheme: OnlyEd25519WithHwkAndJwksUri);

        using var response = await host.Client.GetAsync("/protected");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Identified schemes first, pseudonymous last; the algorithms are AAuth:Algorithms, not Signatures:AllowedAlgorithms.
        Assert.Equal(["jwt, jwks_uri, hwk"], Header(response, "Accept-Signature-Scheme"));
        Assert.Equal(["Ed25519"], Header(response, "Accept-Signature-Alg"));
        using var metadata = JsonDocument.Parse(await host.Client.GetStringAsync("/.well-known/aauth-resource.json"));
        Assert.Equal(["Ed25519"], metadata.RootElement.GetProperty("accept_signature_algs").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task An_unsupported_scheme_refusal_names_exactly_what_the_401_advertises()
    {
        await using var host = await AAuthResourceHost.StartAsync(scheme: OnlyEd25519WithHwkAndJwksUri);
        using var advertised = await host.Client.GetAsync("/protected");

        using var response = await host.Client.SendAsync(Signed(host.Host, "sig=x509;x5u=\"https://agent.example/cert.pem\"", Ed25519A.Key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error=unsupported_scheme"], Header(response, "Signature-Error"));
        Assert.Equal(Header(advertised, "Accept-Signature-Scheme"), Header(response, "Accept-Signature-Scheme"));
        Assert.Equal(Header(advertised, "Accept-Signature-Alg"), Header(response, "Accept-Signature-Alg"));
    }

    [Fact]
    public async Task An_unsupported_signature_algorithm_of_a_Signature_Key_request_is_answered_in_JOSE_names()
    {
        // The signature's RFC 9421 alg (ecdsa-p256-sha256) is not among AAuth:Algorithms' (Ed25519): the core verifier refuses it,
        // and the refusal must tell a Signature-Key agent what to use in the names it configures (JOSE), not the RFC 9421 ones.
        await using var host = await HandlerHost.StartAsync(OnlyEd25519WithHwkAndJwksUri);
        var agent = NewP256();
        var member = "sig=hwk;kty=\"EC\";crv=\"P-256\";x=\"" + agent.PrivateJwk["x"] + "\";y=\"" + agent.PrivateJwk["y"] + "\";alg=\"ES256\"";

        var response = await host.SendAsync(Signed(host, member, agent.Key, new SignatureParameters { OmitKeyId = true, IncludeAlgorithm = true }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error=unsupported_algorithm"], Header(response, "Signature-Error"));
        Assert.Equal(["Ed25519"], Header(response, "Accept-Signature-Alg"));
    }

    [Fact]
    public async Task A_resource_that_verifies_no_Signature_Key_scheme_advertises_none()
    {
        await using var host = await AAuthResourceHost.StartAsync(scheme: o => o.AAuth.AllowJwt = false);

        using var response = await host.Client.GetAsync("/protected");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Header(response, "Accept-Signature-Scheme"));
        Assert.Empty(Header(response, "Accept-Signature-Alg"));
        Assert.Equal(["requirement=agent-token"], Header(response, "AAuth-Requirement"));
        using var metadata = JsonDocument.Parse(await host.Client.GetStringAsync("/.well-known/aauth-resource.json"));
        Assert.False(metadata.RootElement.TryGetProperty("accept_signature_algs", out _));
    }

    [Fact]
    public void Every_enabled_scheme_is_listed_most_identified_first_with_the_configured_algorithms_in_order()
    {
        var options = new AAuthOptions { AllowHwk = true, AllowJktJwt = true, AllowJwksUri = true, AllowJwks = true, AllowJwt = true };
        options.Algorithms.Add("ES256");
        options.Algorithms.Add("Ed25519");
        options.Algorithms.Add("ES256");

        var acceptance = AAuthAcceptance.Create(options);

        Assert.Equal("jwt, jwks_uri, jwks, jkt-jwt, hwk", acceptance.AcceptSignatureScheme);
        Assert.Equal("ES256, Ed25519", acceptance.AcceptSignatureAlg);
        Assert.Equal(["ecdsa-p256-sha256", "ed25519"], acceptance.Rfc9421Algorithms());
    }

    [Fact]
    public void Nothing_is_accepted_or_advertised_when_no_scheme_is_enabled()
    {
        var acceptance = AAuthAcceptance.Create(new AAuthOptions());

        Assert.Null(acceptance.AcceptSignatureScheme);
        Assert.Null(acceptance.AcceptSignatureAlg);
        Assert.Empty(acceptance.Algorithms);
        Assert.False(acceptance.AcceptsAlgorithm("Ed25519"));
    }

    private static HttpRequestMessage Signed(HandlerHost host, string signatureKey, HttpSignatures.Cryptography.SignatureKey key, SignatureParameters? parameters = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, host.Url("/protected"));
        request.Headers.TryAddWithoutValidation("Signature-Key", signatureKey);
        var signed = new HttpMessageSigner(host.Time).Sign(new HttpRequestMessageAdapter(request), "sig", s_components,
            parameters ?? new SignatureParameters { OmitKeyId = true }, key);
        request.Headers.TryAddWithoutValidation("Signature-Input", signed.SignatureInput);
        request.Headers.TryAddWithoutValidation("Signature", signed.Signature);
        return request;
    }
}
