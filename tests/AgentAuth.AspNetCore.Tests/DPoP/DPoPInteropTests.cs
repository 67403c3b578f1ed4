using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>Proofs made by panva/dpop and panva/jose (Node.js) are accepted; tampered variants are rejected with the exact code.</summary>
public sealed class DPoPInteropTests
{
    private const string Origin = "https://api.example.test";
    private const string Target = "/orders/42?expand=items";
    private const string Htu = "https://api.example.test/orders/42";
    private const string Token = "interop-access-token.with~token68/chars+=";

    private readonly TestReplayCache _replay = new(TimeProvider.System);
    private readonly DPoPNonceService _nonces = new(new EphemeralDataProtectionProvider());
    private readonly AgentAuthDPoPOptions _options = new();

    public static TheoryData<string> Algorithms => new() { "ES256", "Ed25519", "EdDSA", "PS256", "RS256" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Accepts_independent_proofs_and_agrees_on_the_thumbprint(string alg)
    {
        var proof = await DPoPNodeInterop.CreateProofAsync(alg, "GET", Htu, Token);

        var result = await ValidateAsync(proof.Value);

        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.Equal(proof.Jkt, result.Thumbprint);
        Assert.True(Jwk.TryParse(proof.Jwk.ToJsonString(), out var jwk, out _));
        Assert.Equal(proof.Jkt, JwkThumbprint.ComputeSha256(jwk!));
        Assert.True(Confirmation.IsSatisfiedBy(ConfirmationClaim.FromThumbprint(proof.Jkt), result.Thumbprint!));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Rejects_tampered_independent_proofs(string alg)
    {
        var proof = (await DPoPNodeInterop.CreateProofAsync(alg, "GET", Htu, Token)).Value;
        var parts = proof.Split('.');

        // A claim changed after signing.
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        claims["htm"] = "POST";
        var alteredPayload = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(alteredPayload, method: "POST"), DPoPErrors.InvalidDPoPProof, "signature is invalid");

        // One signature bit flipped.
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[0] ^= 0x80;
        var flipped = parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(signature);
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(flipped), DPoPErrors.InvalidDPoPProof, "signature is invalid");

        // The header swapped for one with typ JWT (re-signed header is impossible without the key, so this also breaks the signature; typ is checked first).
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        header["typ"] = "JWT";
        var retyped = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + parts[1] + "." + parts[2];
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(retyped), DPoPErrors.InvalidDPoPProof, "'typ'");

        // The intact proof used for another method, URL or token.
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(proof, method: "DELETE"), DPoPErrors.InvalidDPoPProof, "'htm'");
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(proof, target: "/orders/43"), DPoPErrors.InvalidDPoPProof, "'htu'");
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(proof, token: Token + "x"), DPoPErrors.InvalidDPoPProof, "'ath'");

        // None of those burned the jti: the intact proof passes once, then is a replay.
        Assert.True((await ValidateAsync(proof)).Succeeded);
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "already been used");
    }

    [Fact]
    public async Task Independent_proof_carries_a_server_nonce()
    {
        _options.RequireNonce = true;
        var withoutNonce = await DPoPNodeInterop.CreateProofAsync("ES256", "GET", Htu, Token);
        var challenge = await ValidateAsync(withoutNonce.Value);
        DPoPProofValidatorTests.AssertFailure(challenge, DPoPErrors.UseDPoPNonce, "requires nonce");

        var withNonce = await DPoPNodeInterop.CreateProofAsync("ES256", "GET", Htu, Token, challenge.Nonce);
        var result = await ValidateAsync(withNonce.Value);
        Assert.True(result.Succeeded, result.ErrorDescription);
    }

    private ValueTask<DPoPProofValidationResult> ValidateAsync(string proof, string method = "GET", string target = Target, string token = Token) =>
        new DPoPProofValidator(_replay, _nonces, TimeProvider.System).ValidateAsync(
            new DPoPProofRequest
            {
                Method = method,
                PublicOrigin = Origin,
                RawTarget = target,
                AccessToken = token,
                ProofHeaderValues = new StringValues(proof),
            },
            _options);
}
