using System.Net;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.HttpSignatures;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Signature-Key rules the reference signer cannot produce (it writes one member and no nonce), signed here with the core
/// signer: label selection among several members (draft-hardt-httpbis-signature-key-08 §3), keyid ignored (§4.3), nonce
/// single use, and the request binding (@method @authority @path) required as for every signature.
/// </summary>
public sealed class AAuthSchemeTests
{
    private static readonly SignatureComponent[] s_components =
        [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("signature-key")];

    private static string Hwk(string label) =>
        label + "=hwk;kty=\"OKP\";crv=\"Ed25519\";x=\"" + Ed25519A.PrivateJwk["x"]!.GetValue<string>() + "\";alg=\"Ed25519\"";

    private static HttpRequestMessage Signed(HandlerHost host, string signatureKey, string label = "sig", SignatureParameters? parameters = null, IReadOnlyList<SignatureComponent>? components = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, host.Url("/protected"));
        request.Headers.TryAddWithoutValidation("Signature-Key", signatureKey);
        var signed = new HttpMessageSigner(host.Time).Sign(new HttpRequestMessageAdapter(request), label, components ?? s_components,
            parameters ?? new SignatureParameters { OmitKeyId = true }, Ed25519A.Key);
        request.Headers.TryAddWithoutValidation("Signature-Input", signed.SignatureInput);
        request.Headers.TryAddWithoutValidation("Signature", signed.Signature);
        return request;
    }

    [Fact]
    public async Task An_unselected_member_with_an_unknown_scheme_is_ignored()
    {
        await using var host = await HandlerHost.StartAsync(o => o.AAuth.AllowHwk = true);
        var response = await host.SendAsync(Signed(host, "other=x509;x5u=\"https://agent.example/cert.pem\", " + Hwk("sig")));

        var principal = await SucceededAsync(response);
        Assert.Equal([ThumbprintUrn(Ed25519A.Key)], ClaimValues(principal, "sub"));
    }

    [Fact]
    public async Task The_member_must_be_the_one_of_the_signature_label()
    {
        await using var host = await HandlerHost.StartAsync(o => o.AAuth.AllowHwk = true);
        var response = await host.SendAsync(Signed(host, Hwk("other"), label: "sig"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error=invalid_key"], Header(response, "Signature-Error"));
    }

    [Fact]
    public async Task A_keyid_in_Signature_Input_is_not_used_the_key_comes_from_Signature_Key()
    {
        await using var host = await HandlerHost.StartAsync(o => o.AAuth.AllowHwk = true);
        var response = await host.SendAsync(Signed(host, Hwk("sig"), parameters: new SignatureParameters { KeyId = "someone-else" }));

        var principal = await SucceededAsync(response);
        Assert.Equal([ThumbprintUrn(Ed25519A.Key)], ClaimValues(principal, "sub"));
        Assert.Empty(ClaimValues(principal, AgentAuthClaimTypes.KeyId));
    }

    [Fact]
    public async Task A_nonce_when_present_is_accepted_once()
    {
        await using var host = await HandlerHost.StartAsync(o => o.AAuth.AllowHwk = true);
        var parameters = new SignatureParameters { OmitKeyId = true, Nonce = "n-1" };
        await SucceededAsync(await host.SendAsync(Signed(host, Hwk("sig"), parameters: parameters)));

        var replay = await host.SendAsync(Signed(host, Hwk("sig"), parameters: parameters));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(["error=invalid_signature"], Header(replay, "Signature-Error"));
    }

    [Fact]
    public async Task The_request_binding_is_required_as_for_every_signature()
    {
        await using var host = await HandlerHost.StartAsync(o => o.AAuth.AllowHwk = true);
        var response = await host.SendAsync(Signed(host, Hwk("sig"), components: [SignatureComponent.Method, SignatureComponent.Field("signature-key")]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"signature-key\")", Header(response, "Signature-Error").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stale_signature_is_refused()
    {
        await using var host = await HandlerHost.StartAsync(o => o.AAuth.AllowHwk = true);
        var request = Signed(host, Hwk("sig"));
        host.Time.Advance(TimeSpan.FromMinutes(10));

        var response = await host.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error=invalid_signature"], Header(response, "Signature-Error"));
    }
}
