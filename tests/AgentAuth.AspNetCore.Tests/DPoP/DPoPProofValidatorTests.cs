using System.Buffers.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class DPoPProofValidatorTests
{
    private const string Origin = "https://api.example.test";
    private const string Target = "/orders/42?expand=items";
    private const string Htu = "https://api.example.test/orders/42";
    private const string Token = "eyJhbGciOiJFUzI1NiJ9.access-token.sig";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static readonly SignatureKey s_p256 = SignatureKey.GenerateEcdsaP256();
    private static readonly SignatureKey s_p384 = SignatureKey.GenerateEcdsaP384();
    private static readonly SignatureKey s_ed25519 = SignatureKey.GenerateEd25519();
    private static readonly Lazy<SignatureKey> s_rsaPss = new(() => SignatureKey.GenerateRsa(JoseAlgorithms.PS256, 2048));
    private static readonly Lazy<SignatureKey> s_rsaPkcs1 = new(() => SignatureKey.GenerateRsa(JoseAlgorithms.RS256, 2048));

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly TestReplayCache _replay;
    private readonly DPoPNonceService _nonces = new(new EphemeralDataProtectionProvider());
    private readonly AgentAuthDPoPOptions _options = new();

    public DPoPProofValidatorTests() => _replay = new TestReplayCache(_clock);

    public static TheoryData<string> Algorithms => new() { "EdDSA", "Ed25519", "ES256", "ES384", "PS256", "RS256" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Accepts_a_library_made_proof(string alg)
    {
        var key = KeyFor(alg);
        var builder = Builder(key, alg);

        var result = await ValidateAsync(builder.Build());

        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.Equal(key.Thumbprint, result.Thumbprint);
        Assert.Equal(builder.Claims["jti"]!.GetValue<string>(), result.Jti);
        Assert.Equal(Now, result.IssuedAt);
        Assert.NotNull(result.Key);
        Assert.False(result.Key!.CanSign);
        Assert.Null(result.Nonce);
    }

    [Fact]
    public async Task Records_the_jti_last_under_a_fixed_length_namespaced_key()
    {
        var builder = Builder();
        var result = await ValidateAsync(builder.Build());

        Assert.True(result.Succeeded);
        var entry = Assert.Single(_replay.Entries);
        Assert.Equal(DPoPProofValidator.CreateReplayKey(s_p256.Thumbprint, Htu, builder.Claims["jti"]!.GetValue<string>()), entry.Key);
        Assert.StartsWith("dpop:" + s_p256.Thumbprint + ":", entry.Key, StringComparison.Ordinal);
        Assert.Equal("dpop:".Length + 43 + 1 + 43, entry.Key.Length);
        Assert.Equal(Now + _options.ProofLifetime + _options.ClockSkew, entry.Value);
    }

    [Fact]
    public void Replay_keys_separate_jti_htu_and_key()
    {
        var a = DPoPProofValidator.CreateReplayKey("k1", "https://h/x", "j");
        Assert.NotEqual(a, DPoPProofValidator.CreateReplayKey("k2", "https://h/x", "j"));
        Assert.NotEqual(a, DPoPProofValidator.CreateReplayKey("k1", "https://h/y", "j"));
        Assert.NotEqual(a, DPoPProofValidator.CreateReplayKey("k1", "https://h/x", "j2"));
        Assert.Equal(a, DPoPProofValidator.CreateReplayKey("k1", "https://h/x", "j"));
    }

    [Fact]
    public async Task A_replayed_proof_is_rejected()
    {
        var proof = Builder().Build();
        Assert.True((await ValidateAsync(proof)).Succeeded);

        var second = await ValidateAsync(proof);

        AssertFailure(second, DPoPErrors.InvalidDPoPProof, "already been used");
    }

    [Fact]
    public async Task A_rejected_proof_does_not_burn_its_jti()
    {
        var proof = Builder().Build();
        AssertFailure(await ValidateAsync(proof, token: "another-token"), DPoPErrors.InvalidDPoPProof, "'ath'");
        Assert.Equal(0, _replay.Calls);

        Assert.True((await ValidateAsync(proof)).Succeeded);
    }

    [Fact]
    public async Task Replay_detection_can_be_turned_off()
    {
        _options.EnableReplayDetection = false;
        var proof = Builder().Build();

        Assert.True((await ValidateAsync(proof)).Succeeded);
        Assert.True((await ValidateAsync(proof)).Succeeded);
        Assert.Equal(0, _replay.Calls);
    }

    [Fact]
    public async Task An_unavailable_replay_cache_propagates()
    {
        var validator = new DPoPProofValidator(new UnavailableReplayCache(), _nonces, _clock);
        await Assert.ThrowsAsync<ReplayCacheUnavailableException>(async () =>
            await validator.ValidateAsync(Request(Builder().Build()), _options));
    }

    [Fact]
    public async Task Missing_header_is_rejected()
    {
        AssertFailure(await ValidateAsync(StringValues.Empty), DPoPErrors.InvalidDPoPProof, "Missing DPoP proof");
        AssertFailure(await ValidateAsync(new StringValues("")), DPoPErrors.InvalidDPoPProof, "Missing DPoP proof");
    }

    [Fact]
    public async Task Two_headers_are_rejected_even_when_both_are_valid()
    {
        var proof = Builder().Build();
        AssertFailure(await ValidateAsync(new StringValues([proof, proof])), DPoPErrors.InvalidDPoPProof, "Multiple DPoP proofs");
        AssertFailure(await ValidateAsync(new StringValues(["", proof])), DPoPErrors.InvalidDPoPProof, "Multiple DPoP proofs");
        Assert.Equal(0, _replay.Calls);
    }

    [Fact]
    public async Task Oversize_proof_is_rejected_before_parsing()
    {
        _options.MaxProofLength = 256;
        var proof = Builder().Build();
        Assert.True(proof.Length > 256);

        AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "too large");
    }

    [Theory]
    [InlineData("not-a-jws")]
    [InlineData("a.b")]
    [InlineData("e30.e30.e30.e30.e30")]
    [InlineData("e30=.e30.c2ln")]
    [InlineData("eyJ0eXAiOiJkcG9wK2p3dCJ9 .e30.c2ln")]
    public async Task Malformed_compact_serialization_is_rejected(string proof)
    {
        AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "Malformed DPoP proof");
    }

    [Theory]
    [InlineData("{not json}", "header")]
    [InlineData("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"alg\":\"none\"}", "header")]
    public async Task Malformed_header_json_is_rejected(string headerJson, string where)
    {
        var builder = Builder();
        var proof = builder.BuildRaw(headerJson, builder.Claims.ToJsonString());
        AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "Malformed DPoP proof " + where);
    }

    [Theory]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"jti\":\"a\",\"jti\":\"b\"}", "Malformed DPoP proof payload")]
    [InlineData("{\"jti\":\"a\"", "Malformed DPoP proof payload")]
    public async Task Malformed_payload_is_rejected(string payloadJson, string reason)
    {
        var builder = Builder();
        var proof = builder.BuildRaw(builder.Header.ToJsonString(), payloadJson);
        AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, reason);
    }

    [Fact]
    public async Task Crit_header_is_rejected()
    {
        var builder = Builder();
        builder.Header["crit"] = new JsonArray("b64");
        builder.Header["b64"] = false;
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'crit'");
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("htm")]
    [InlineData("htu")]
    [InlineData("iat")]
    [InlineData("ath")]
    public async Task Each_required_claim_is_required(string claim)
    {
        var builder = Builder();
        builder.Claims.Remove(claim);
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "missing '" + claim + "'");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("JWT")]
    [InlineData("at+jwt")]
    [InlineData("dpop+jwt; x")]
    public async Task Wrong_typ_is_rejected(string? typ)
    {
        var builder = Builder();
        if (typ is null)
        {
            builder.Header.Remove("typ");
        }
        else
        {
            builder.Header["typ"] = typ;
        }
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'typ'");
    }

    [Theory]
    [InlineData("DPoP+JWT")]
    [InlineData("application/dpop+jwt")]
    public async Task Typ_is_a_case_insensitive_media_type(string typ)
    {
        var builder = Builder();
        builder.Header["typ"] = typ;
        Assert.True((await ValidateAsync(builder.Build())).Succeeded);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("es256")]
    [InlineData("ES512")]
    [InlineData("RSA-OAEP")]
    public async Task Unsupported_alg_is_rejected(string alg)
    {
        var builder = Builder();
        builder.Header["alg"] = alg;
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'alg' is not supported");
    }

    [Fact]
    public async Task Missing_alg_is_rejected()
    {
        var builder = Builder();
        builder.Header.Remove("alg");
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'alg' is not supported");
    }

    [Fact]
    public async Task Hmac_proof_with_a_symmetric_jwk_is_rejected()
    {
        var builder = Builder();
        builder.Header["alg"] = "HS256";
        builder.Header["jwk"] = new JsonObject { ["kty"] = "oct", ["k"] = Base64Url.EncodeToString(new byte[32]) };
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'alg' is not supported");
    }

    [Fact]
    public async Task Alg_outside_the_configured_allow_list_is_rejected()
    {
        _options.AllowedAlgorithms.Clear();
        _options.AllowedAlgorithms.Add("Ed25519");

        AssertFailure(await ValidateAsync(Builder().Build()), DPoPErrors.InvalidDPoPProof, "'alg' is not supported");
        AssertFailure(await ValidateAsync(Builder(s_ed25519, "EdDSA").Build()), DPoPErrors.InvalidDPoPProof, "'alg' is not supported");
        Assert.True((await ValidateAsync(Builder(s_ed25519, "Ed25519").Build())).Succeeded);
    }

    [Fact]
    public async Task Missing_jwk_is_rejected()
    {
        var builder = Builder();
        builder.Header.Remove("jwk");
        builder.Header["kid"] = "some-key";
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "missing 'jwk'");
    }

    [Theory]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\"}")]
    [InlineData("{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}")]
    [InlineData("{\"kty\":\"XYZ\"}")]
    [InlineData("{\"crv\":\"P-256\"}")]
    public async Task Invalid_jwk_is_rejected(string jwk)
    {
        var builder = Builder();
        builder.Header["jwk"] = JsonNode.Parse(jwk);
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'jwk' is not a valid JWK");
    }

    [Theory]
    [InlineData("ES256", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}")]
    [InlineData("ES256", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs\",\"y\":\"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDB\"}")]
    [InlineData("EdDSA", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}")]
    [InlineData("RS256", "{\"kty\":\"RSA\",\"n\":\"1eycImiXr9F72m2fGnlJHJJahgs8DgDBACzGS17EkiEA-McM2UPug1yc7Gs8fJRjQl_i0s0F4uPFCCjiCCs9-QUb9W7FHJIVhGtKjum6yU37h1V707TxNhIL0zV36i4jT4pptZLYBH4wWqv8qEq1AE8JjRH8JTuVZQcHN1-rEV8\",\"e\":\"AQAB\"}")] // 1024-bit modulus
    [InlineData("RS256", "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}")]
    public async Task Unusable_public_key_is_rejected_without_throwing(string alg, string jwk)
    {
        var builder = Builder();
        builder.Header["alg"] = alg;
        builder.Header["jwk"] = JsonNode.Parse(jwk);
        var result = await ValidateAsync(builder.Build());
        Assert.Equal(DPoPErrors.InvalidDPoPProof, result.Error);
        Assert.Contains("'jwk'", result.ErrorDescription, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ES256", "d")]
    [InlineData("Ed25519", "d")]
    [InlineData("PS256", "d")]
    public async Task Jwk_with_a_private_member_is_rejected(string alg, string member)
    {
        var key = KeyFor(alg);
        var builder = Builder(key, alg);
        var size = key.Algorithm == HttpSignatureAlgorithms.EcdsaP256Sha256 || key.Algorithm == HttpSignatureAlgorithms.Ed25519 ? 32 : 128;
        builder.Header["jwk"]![member] = Base64Url.EncodeToString(new byte[size]);

        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "must be a public key");
    }

    [Theory]
    [InlineData("p")]
    [InlineData("q")]
    [InlineData("dp")]
    [InlineData("dq")]
    [InlineData("qi")]
    public async Task Jwk_with_an_rsa_private_factor_is_rejected(string member)
    {
        var builder = Builder(s_rsaPss.Value, "PS256");
        builder.Header["jwk"]![member] = Base64Url.EncodeToString(new byte[128]);
        // Without 'd' the parser already refuses the JWK; either way the proof key is never a private key.
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'jwk'");

        builder.Header["jwk"]!["d"] = Base64Url.EncodeToString(new byte[256]);
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "must be a public key");
    }

    [Fact]
    public async Task Symmetric_jwk_under_an_asymmetric_alg_is_rejected()
    {
        var builder = Builder();
        builder.Header["jwk"] = new JsonObject { ["kty"] = "oct", ["k"] = Base64Url.EncodeToString(new byte[32]) };
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "must be a public key");
    }

    [Theory]
    [InlineData("Ed25519", "ES256")]
    [InlineData("ES256", "ES384")]
    [InlineData("ES384", "ES256")]
    [InlineData("ES256", "EdDSA")]
    [InlineData("PS256", "ES256")]
    [InlineData("Ed25519", "RS256")]
    public async Task Kty_inconsistent_with_alg_is_rejected(string keyAlg, string headerAlg)
    {
        var builder = Builder(KeyFor(keyAlg), keyAlg);
        builder.Header["alg"] = headerAlg;
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "does not fit 'alg'");
    }

    [Theory]
    [InlineData("PS256", "RS256")]
    [InlineData("Ed25519", "EdDSA")]
    public async Task Jwk_alg_contradicting_the_header_alg_is_rejected(string jwkAlg, string headerAlg)
    {
        var builder = Builder(KeyFor(jwkAlg), jwkAlg);
        builder.Header["jwk"]!["alg"] = jwkAlg;
        builder.Header["alg"] = headerAlg;
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "does not fit 'alg'");
    }

    [Fact]
    public async Task Signature_by_another_key_is_rejected()
    {
        var builder = Builder();
        builder.Header["jwk"] = JsonNode.Parse(SignatureKey.GenerateEcdsaP256().ExportPublicJwkJson());
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "signature is invalid");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Signature_bit_flip_is_rejected(string alg)
    {
        var proof = Builder(KeyFor(alg), alg).Build();
        var dot = proof.LastIndexOf('.');
        var signature = Base64Url.DecodeFromChars(proof.AsSpan(dot + 1));
        signature[signature.Length / 2] ^= 0x04;
        var tampered = proof[..(dot + 1)] + Base64Url.EncodeToString(signature);

        AssertFailure(await ValidateAsync(tampered), DPoPErrors.InvalidDPoPProof, "signature is invalid");
    }

    [Fact]
    public async Task Truncated_signature_is_rejected()
    {
        var proof = Builder().Build();
        var dot = proof.LastIndexOf('.');
        var signature = Base64Url.DecodeFromChars(proof.AsSpan(dot + 1));
        var truncated = proof[..(dot + 1)] + Base64Url.EncodeToString(signature.AsSpan(0, signature.Length - 1));
        AssertFailure(await ValidateAsync(truncated), DPoPErrors.InvalidDPoPProof, "signature is invalid");
        AssertFailure(await ValidateAsync(proof[..(dot + 1)] + "AA"), DPoPErrors.InvalidDPoPProof, "signature is invalid");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("get")]
    [InlineData("HEAD")]
    public async Task Htm_mismatch_is_rejected(string method)
    {
        AssertFailure(await ValidateAsync(Builder().Build(), method: method), DPoPErrors.InvalidDPoPProof, "'htm'");
    }

    [Theory]
    [InlineData("https://api.example.test/orders/43")]
    [InlineData("https://api.example.test/Orders/42")]
    [InlineData("http://api.example.test/orders/42")]
    [InlineData("https://api.example.test:8443/orders/42")]
    [InlineData("https://internal.local/orders/42")]
    [InlineData("/orders/42")]
    public async Task Htu_mismatch_is_rejected(string htu)
    {
        var builder = Builder();
        builder.Claims["htu"] = htu;
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'htu'");
    }

    [Theory]
    [InlineData("HTTPS://API.EXAMPLE.TEST:443/orders/42")]
    [InlineData("https://api.example.test/orders/./42")]
    [InlineData("https://api.example.test/orders/%34%32")]
    [InlineData("https://api.example.test/orders/42?other=query#and-fragment")]
    public async Task Equivalent_htu_is_accepted(string htu)
    {
        var builder = Builder();
        builder.Claims["htu"] = htu;
        Assert.True((await ValidateAsync(builder.Build())).Succeeded);
    }

    [Fact]
    public async Task Htu_is_compared_with_the_public_origin_not_the_internal_one()
    {
        var proof = Builder().Build();
        AssertFailure(await ValidateAsync(proof, origin: "http://10.0.0.5:8080"), DPoPErrors.InvalidDPoPProof, "'htu'");
    }

    [Fact]
    public async Task Iat_window_boundaries()
    {
        async Task<bool> AcceptedAt(TimeSpan offset)
        {
            var builder = Builder();
            builder.Claims["iat"] = (Now + offset).ToUnixTimeSeconds();
            return (await ValidateAsync(builder.Build())).Succeeded;
        }

        Assert.True(await AcceptedAt(-_options.ProofLifetime));
        Assert.False(await AcceptedAt(-_options.ProofLifetime - TimeSpan.FromSeconds(1)));
        Assert.True(await AcceptedAt(_options.ClockSkew));
        Assert.False(await AcceptedAt(_options.ClockSkew + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Old_iat_is_rejected()
    {
        var proof = Builder().Build();
        _clock.Advance(TimeSpan.FromHours(1));
        AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "expired");
    }

    [Fact]
    public async Task Future_iat_is_rejected()
    {
        // The clock never moves backwards, so the proof comes from an hour ahead of it instead.
        var proof = Builder(issuedAt: _clock.GetUtcNow() + TimeSpan.FromHours(1)).Build();
        AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "'iat' is in the future");
    }

    [Fact]
    public async Task Iat_window_follows_the_options()
    {
        _options.ProofLifetime = TimeSpan.FromSeconds(10);
        _options.ClockSkew = TimeSpan.Zero;
        var proof = Builder().Build();
        _clock.Advance(TimeSpan.FromSeconds(11));
        AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "expired");

        var builder = Builder();
        builder.Claims["iat"] = _clock.GetUtcNow().ToUnixTimeSeconds() + 1;
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "in the future");
    }

    [Fact]
    public async Task Ath_mismatch_is_rejected()
    {
        AssertFailure(await ValidateAsync(Builder().Build(), token: Token + "x"), DPoPErrors.InvalidDPoPProof, "'ath'");

        var builder = Builder();
        builder.Claims["ath"] = DPoPAccessTokenHash.Compute(Token) + "=";
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "'ath'");
    }

    [Fact]
    public async Task Expected_thumbprint_is_checked_before_the_jti_is_recorded()
    {
        var proof = Builder().Build();
        var wrong = await ValidateAsync(proof, expectedThumbprint: s_ed25519.Thumbprint);

        AssertFailure(wrong, DPoPErrors.InvalidToken, "Invalid DPoP key binding");
        Assert.Equal(0, _replay.Calls);
        Assert.True((await ValidateAsync(proof, expectedThumbprint: s_p256.Thumbprint)).Succeeded);
    }

    [Fact]
    public async Task Key_binding_check_after_validation()
    {
        var result = await ValidateAsync(Builder().Build());
        Assert.True(result.Succeeded);

        // The one proof-of-possession check every mode uses (Confirmation), applied to the proof's key.
        Assert.True(Confirmation.IsSatisfiedBy(ConfirmationClaim.FromThumbprint(s_p256.Thumbprint), result.Thumbprint!));
        Assert.False(Confirmation.IsSatisfiedBy(ConfirmationClaim.FromThumbprint(s_ed25519.Thumbprint), result.Thumbprint!));
        Assert.False(Confirmation.IsSatisfiedBy(ConfirmationClaim.FromThumbprint(s_p256.Thumbprint[..^1]), result.Thumbprint!));
    }

    [Fact]
    public async Task Nonce_required_and_missing_asks_for_one()
    {
        _options.RequireNonce = true;
        var result = await ValidateAsync(Builder().Build());

        AssertFailure(result, DPoPErrors.UseDPoPNonce, "Resource server requires nonce in DPoP proof");
        Assert.NotNull(result.Nonce);
        Assert.Equal(DPoPNonceStatus.Valid, _nonces.Validate(result.Nonce, Now, _options, out _));
        Assert.Equal(0, _replay.Calls);
    }

    [Fact]
    public async Task Nonce_required_and_present_is_accepted_then_rotated_after_half_its_lifetime()
    {
        _options.RequireNonce = true;
        var nonce = _nonces.CreateNonce(Now);
        var builder = Builder();
        builder.Claims["nonce"] = nonce;

        var fresh = await ValidateAsync(builder.Build());
        Assert.True(fresh.Succeeded, fresh.ErrorDescription);
        Assert.Null(fresh.Nonce);

        _clock.Advance(_options.NonceLifetime / 2);
        var later = Builder(issuedAt: _clock.GetUtcNow());
        later.Claims["nonce"] = nonce;
        var rotated = await ValidateAsync(later.Build());
        Assert.True(rotated.Succeeded, rotated.ErrorDescription);
        Assert.NotNull(rotated.Nonce);
        Assert.NotEqual(nonce, rotated.Nonce);
    }

    [Fact]
    public async Task Stale_nonce_asks_for_a_new_one()
    {
        _options.RequireNonce = true;
        var builder = Builder();
        builder.Claims["nonce"] = _nonces.CreateNonce(Now - _options.NonceLifetime - TimeSpan.FromSeconds(1));

        var result = await ValidateAsync(builder.Build());
        AssertFailure(result, DPoPErrors.UseDPoPNonce, "requires nonce");
        Assert.NotNull(result.Nonce);
    }

    [Theory]
    [InlineData("eyJ7S_zG.eyJH0-Z.HX4w-7v")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Forged_nonce_asks_for_a_new_one(string nonce)
    {
        _options.RequireNonce = true;
        var builder = Builder();
        builder.Claims["nonce"] = nonce;

        var result = await ValidateAsync(builder.Build());
        AssertFailure(result, DPoPErrors.UseDPoPNonce, "requires nonce");
        Assert.NotNull(result.Nonce);
    }

    [Fact]
    public async Task Nonce_from_another_key_ring_asks_for_a_new_one()
    {
        _options.RequireNonce = true;
        var builder = Builder();
        builder.Claims["nonce"] = new DPoPNonceService(new EphemeralDataProtectionProvider()).CreateNonce(Now);
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.UseDPoPNonce, "requires nonce");
    }

    [Fact]
    public async Task Nonce_is_ignored_when_not_required()
    {
        var builder = Builder();
        builder.Claims["nonce"] = "anything";
        Assert.True((await ValidateAsync(builder.Build())).Succeeded);
    }

    [Fact]
    public async Task Wrongly_typed_claim_is_rejected()
    {
        var builder = Builder();
        builder.Claims["iat"] = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        AssertFailure(await ValidateAsync(builder.Build()), DPoPErrors.InvalidDPoPProof, "Invalid DPoP proof 'iat'");
    }

    [Fact]
    public async Task Concurrent_submissions_of_one_proof_succeed_once()
    {
        var proof = Builder().Build();
        var validator = Validator();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            await validator.ValidateAsync(Request(proof), _options))));

        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(DPoPErrors.InvalidDPoPProof, r.Error));
    }

    internal static void AssertFailure(DPoPProofValidationResult result, string code, string descriptionFragment)
    {
        Assert.False(result.Succeeded, "expected " + code);
        Assert.Equal(code, result.Error);
        Assert.Contains(descriptionFragment, result.ErrorDescription, StringComparison.Ordinal);
        Assert.Null(result.Key);
        Assert.Null(result.Thumbprint);
    }

    private static SignatureKey KeyFor(string alg) => alg switch
    {
        "EdDSA" or "Ed25519" => s_ed25519,
        "ES256" => s_p256,
        "ES384" => s_p384,
        "PS256" => s_rsaPss.Value,
        "RS256" => s_rsaPkcs1.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(alg)),
    };

    private TestProofBuilder Builder(SignatureKey? key = null, string alg = "ES256", DateTimeOffset? issuedAt = null) =>
        new(key ?? s_p256, alg, "GET", Htu, Token, issuedAt ?? Now);

    private DPoPProofValidator Validator() => new(_replay, _nonces, _clock);

    private static DPoPProofRequest Request(
        StringValues proof, string method = "GET", string origin = Origin, string target = Target, string token = Token, string? expectedThumbprint = null) => new()
        {
            Method = method,
            PublicOrigin = origin,
            RawTarget = target,
            AccessToken = token,
            ProofHeaderValues = proof,
            ExpectedThumbprint = expectedThumbprint,
        };

    private ValueTask<DPoPProofValidationResult> ValidateAsync(
        StringValues proof, string method = "GET", string origin = Origin, string target = Target, string token = Token, string? expectedThumbprint = null) =>
        Validator().ValidateAsync(Request(proof, method, origin, target, token, expectedThumbprint), _options);
}
