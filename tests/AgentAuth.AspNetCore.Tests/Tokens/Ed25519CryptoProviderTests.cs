using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore.Tests.Tokens;

public sealed class Ed25519CryptoProviderTests
{
    // RFC 8037 A.1 public key and A.4 JWS over "Example of Ed25519 signing".
    private const string Rfc8037Jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
    private const string Rfc8037Jws =
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    private static SignatureKeySecurityKey Rfc8037Key()
    {
        Assert.True(Jwk.TryParse(Rfc8037Jwk, out var jwk, out _));
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out _));
        return new SignatureKeySecurityKey(key!);
    }

    [Fact]
    public void Rfc8037_A4_verifies_through_our_factory_with_the_six_argument_overload()
    {
        var key = Rfc8037Key();
        var parts = Rfc8037Jws.Split('.');
        var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        var padded = new byte[signature.Length + 10];
        signature.CopyTo(padded, 5);

        Assert.True(AgentCryptoProvider.Factory.IsSupportedAlgorithm("EdDSA", key));
        var provider = AgentCryptoProvider.Factory.CreateForVerifying(key, "EdDSA");
        try
        {
            Assert.True(provider.Verify(input, 0, input.Length, padded, 5, signature.Length));
            Assert.True(provider.Verify(input, signature));
            signature[0] ^= 1;
            Assert.False(provider.Verify(input, signature));
            Assert.False(provider.Verify(input, 0, input.Length, padded, 60, signature.Length));
        }
        finally
        {
            AgentCryptoProvider.Factory.ReleaseSignatureProvider(provider);
        }
    }

    [Fact]
    public void Ed25519_key_does_not_claim_other_algorithms()
    {
        var key = Rfc8037Key();

        Assert.False(AgentCryptoProvider.Factory.IsSupportedAlgorithm("ES256", key));
        Assert.False(AgentCryptoProvider.Factory.IsSupportedAlgorithm("HS256", key));
        Assert.False(AgentCryptoProvider.Factory.IsSupportedAlgorithm("none", key));
        Assert.Throws<NotSupportedException>(() => AgentCryptoProvider.Instance.Create("EdDSA", key, true));
    }

    [Fact]
    public void The_process_wide_default_factory_is_never_touched()
    {
        _ = Rfc8037Key();

        Assert.Null(CryptoProviderFactory.Default.CustomCryptoProvider);
        Assert.NotSame(CryptoProviderFactory.Default, AgentCryptoProvider.Factory);
    }

    [Fact]
    public void Rfc9449_cnf_jkt_vector_is_read()
    {
        using var vectors = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        var cnf = vectors.RootElement.GetProperty("rfc9449_cnf_jwt").GetProperty("claims").GetProperty("cnf");

        Assert.True(ConfirmationClaimReader.TryRead(cnf, out var claim, out var error), error);
        Assert.Equal("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", claim!.Thumbprint);
    }

    [Fact]
    public void Rfc9449_proof_key_as_cnf_jwk_has_the_expected_thumbprint()
    {
        using var vectors = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        var proof = vectors.RootElement.GetProperty("rfc9449_proofs")[0];
        var jwk = proof.GetProperty("header").GetProperty("jwk").GetRawText();
        var cnf = JsonDocument.Parse("{\"jwk\":" + jwk + "}").RootElement;

        Assert.True(ConfirmationClaimReader.TryRead(cnf, out var claim, out var error), error);
        Assert.Equal(proof.GetProperty("expected_jkt").GetString(), claim!.Thumbprint);
    }

    [Fact]
    public async Task Cache_hit_allocates_nothing()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var ed = SignatureKey.GenerateEd25519("ed-1");
        var validator = TestTokens.Validator(TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(ed, null))), time);
        var token = TestTokens.Mint(ed, "EdDSA");
        Assert.True((await validator.ValidateAsync(token, default)).Succeeded);
        Hit(validator, token);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Hit(validator, token);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

#pragma warning disable CA2012 // The cache hit completes synchronously; the test asserts it before reading Result.
    private static void Hit(AgentTokenValidator validator, string token)
    {
        var pending = validator.ValidateAsync(token, default);
        Assert.True(pending.IsCompletedSuccessfully);
        Assert.True(pending.Result.Succeeded);
    }
#pragma warning restore CA2012
}
