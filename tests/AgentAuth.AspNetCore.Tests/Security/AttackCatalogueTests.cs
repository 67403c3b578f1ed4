using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.Testing;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// The attack catalogue (docs/security.md): one test per attack, each through the whole scheme in an ASP.NET Core
/// pipeline, each asserting the exact refusal (status, challenge family, error code). A control request proves the
/// setup would otherwise succeed, so a refusal is never an accident of the fixture.
/// </summary>
public sealed class AttackCatalogueTests : IAsyncLifetime
{
    private SecurityApp _app = null!;

    public Task InitializeAsync()
    {
        _app = SecurityApp.Create(o => o.AllowBearerTokens = true);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static void AssertSignatureError(SecurityResponse response, string error)
    {
        Assert.True(response.Status == 401, response.ToString());
        Assert.Equal("error=" + error, response.SignatureError?.Split(',')[0]);
    }

    private static void AssertChallengeError(SecurityResponse response, string scheme, string error, int status = 401)
    {
        Assert.True(response.Status == status, response.ToString());
        Assert.Null(response.SignatureError);
        Assert.StartsWith(scheme + " error=\"" + error + "\"", response.Headers.WWWAuthenticate[0]);
    }

    private void AssertReasonLogged(string fragment)
    {
        var failures = _app.Logs.Events.Where(e => e.Id.Name == "AuthenticationFailed").Select(e => e.Message).ToArray();
        Assert.True(failures.Any(m => m.Contains(fragment, StringComparison.Ordinal)), "No failure mentions '" + fragment + "':\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Control_a_correctly_signed_request_is_accepted()
    {
        var response = await _app.SendAsync(TestRequest.Get().Sign(SecurityApp.AgentKey));
        Assert.Equal(200, response.Status);
        Assert.Equal("httpsig", response.Body);
    }

    // ---- Algorithm confusion ---------------------------------------------------------------------------------

    [Fact]
    public async Task Alg_confusion_HS256_token_keyed_with_the_issuer_public_key_is_invalid_token()
    {
        // The classic RS/HS confusion: the attacker knows the public key and uses its bytes as an HMAC secret.
        var publicJwk = SecurityApp.IssuerKey.ExportPublicJwkJson();
        var publicX = JsonNode.Parse(publicJwk)!["x"]!.GetValue<string>();
        foreach (var secret in new[] { Encoding.UTF8.GetBytes(publicJwk), Base64UrlEncoder.DecodeBytes(publicX) })
        {
            var header = TestTokens.Header("HS256", SecurityApp.IssuerKey.KeyId);
            var claims = TestTokens.Claims();
            var input = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(claims.ToJsonString());
            var token = input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));

            var response = await _app.SendAsync(TestRequest.Get().Set("authorization", "Bearer " + token));
            AssertChallengeError(response, "Bearer", AgentAuthErrors.InvalidToken);
        }
        var control = await _app.SendAsync(TestRequest.Get().Set("authorization", "Bearer " + SecurityApp.Token()));
        Assert.Equal(200, control.Status);
    }

    [Fact]
    public async Task Alg_confusion_alg_none_token_is_invalid_token()
    {
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT" };
        var token = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(TestTokens.Claims().ToJsonString()) + ".";
        var response = await _app.SendAsync(TestRequest.Get().Set("authorization", "Bearer " + token));
        AssertChallengeError(response, "Bearer", AgentAuthErrors.InvalidToken);
    }

    [Fact]
    public async Task Alg_confusion_signature_alg_parameter_contradicting_the_key_is_unsupported_algorithm()
    {
        // alg names another asymmetric algorithm than the key's: refused before any crypto, with Accept-Signature-Alg.
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { IncludeAlgorithm = true });
        request.Set("signature-input", request.Header("signature-input")!.Replace("alg=\"ed25519\"", "alg=\"ecdsa-p256-sha256\"", StringComparison.Ordinal));
        var response = await _app.SendAsync(request);
        AssertSignatureError(response, AgentAuthErrors.UnsupportedAlgorithm);
        Assert.True(response.Headers.ContainsKey("Accept-Signature-Alg"));
    }

    [Fact]
    public async Task Alg_confusion_hmac_signature_keyed_with_the_agent_public_key_is_unsupported_algorithm()
    {
        // The sender asks for hmac-sha256 and signs with the public key bytes as the secret (RFC 9421 B.2.5 style).
        var publicX = Base64UrlEncoder.DecodeBytes(JsonNode.Parse(SecurityApp.AgentKey.ExportPublicJwkJson())!["x"]!.GetValue<string>());
        using var hmac = SignatureKey.CreateHmacSha256(publicX, "agent-1");
        var response = await _app.SendAsync(TestRequest.Get().Sign(hmac, new SignatureParameters { IncludeAlgorithm = true }));
        AssertSignatureError(response, AgentAuthErrors.UnsupportedAlgorithm);

        // Without alg the key (Ed25519) decides, and the HMAC bytes do not verify as Ed25519.
        var noAlg = await _app.SendAsync(TestRequest.Get().Sign(hmac));
        AssertSignatureError(noAlg, AgentAuthErrors.InvalidSignature);
    }

    [Fact]
    public async Task Alg_confusion_dpop_proof_with_alg_none_or_HS256_is_invalid_dpop_proof()
    {
        using var proofKey = SignatureKey.GenerateEcdsaP256();
        var token = SecurityApp.BoundToken(proofKey);
        foreach (var alg in new[] { "none", "HS256" })
        {
            var builder = new TestProofBuilder(proofKey, "ES256", "GET", "https://api.example/data", token, SecurityApp.Now);
            builder.Header["alg"] = alg;
            var response = await _app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", builder.Build()));
            AssertChallengeError(response, "DPoP", AgentAuthErrors.InvalidDPoPProof);
        }
        var control = new TestProofBuilder(proofKey, "ES256", "GET", "https://api.example/data", token, SecurityApp.Now);
        Assert.Equal(200, (await _app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", control.Build()))).Status);
    }

    // ---- Signature encodings and weak keys ---------------------------------------------------------------------

    [Fact]
    public async Task Der_encoded_ecdsa_signature_is_invalid_signature()
    {
        using var ecKey = SignatureKey.GenerateEcdsaP256("ec-1");
        await using var app = SecurityApp.Create(o => o.AgentKeys.JsonWebKeySet = SecurityApp.AgentJwks(ecKey));

        var request = TestRequest.Get().Sign(ecKey);
        Assert.Equal(200, (await app.SendAsync(request)).Status);

        // Same r and s, DER-encoded (what OpenSSL and .NET's default X.509 paths emit) instead of r||s.
        var member = request.Header("signature")!;
        var raw = Convert.FromBase64String(member["sig1=:".Length..^1]);
        var der = new AsnWriter(AsnEncodingRules.DER);
        using (der.PushSequence())
        {
            der.WriteIntegerUnsigned(raw.AsSpan(0, 32));
            der.WriteIntegerUnsigned(raw.AsSpan(32));
        }
        request.Set("signature", "sig1=:" + Convert.ToBase64String(der.Encode()) + ":");
        AssertSignatureError(await app.SendAsync(request), AgentAuthErrors.InvalidSignature);
    }

    [Theory]
    [InlineData("small-order identity point", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("small-order point of order 8", "xxdqcD1N2E-6PAt2DRBnDyogU_osOczGTsf9d5KsA3o")]
    [InlineData("small-order point of order 8, other sign", "JuiVj8KyJ7BFw_SJ8u-Y8NXfrAXTxjM5sTgCiG1T_AU")]
    [InlineData("non-canonical y = p", "7f_______________________________________38")]
    public async Task Weak_ed25519_key_in_the_jwks_is_never_usable(string what, string x)
    {
        // A small-order public key verifies the all-zero-S signature over any message in lax implementations.
        var weak = new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = x, ["kid"] = "weak" };
        await using var app = SecurityApp.Create(o => o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(weak, TestTokens.PublicJwk(SecurityApp.AgentKey, null)));
        var forged = new byte[64];
        Base64UrlEncoder.DecodeBytes(x).AsSpan(0, 32).CopyTo(forged); // R = A, S = 0: the classic small-order forgery
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { KeyId = "weak" });
        request.Set("signature", "sig1=:" + Convert.ToBase64String(forged) + ":");

        var response = await app.SendAsync(request);
        Assert.True(response.Status == 401, what + ": " + response);
        Assert.Equal("error=" + AgentAuthErrors.UnknownKey, response.SignatureError);
        Assert.Equal(200, (await app.SendAsync(TestRequest.Get().Sign(SecurityApp.AgentKey))).Status);
    }

    [Fact]
    public async Task Malleated_ed25519_signature_with_S_plus_L_is_invalid_signature()
    {
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey);
        var signature = Convert.FromBase64String(request.Header("signature")!["sig1=:".Length..^1]);
        var l = BigInteger.Parse("7237005577332262213973186563042994240857116359379907606001950938285454250989");
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: false);
        var malleated = s + l;
        if (malleated.GetByteCount(isUnsigned: true) > 32)
        {
            return; // S + L does not fit 32 bytes for this signature; the strictness is covered by the crypto tests.
        }
        var bytes = new byte[32];
        malleated.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        bytes.CopyTo(signature, 32);
        request.Set("signature", "sig1=:" + Convert.ToBase64String(signature) + ":");
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.InvalidSignature);
    }

    // ---- Structure of Signature-Input ------------------------------------------------------------------------

    [Fact]
    public async Task Duplicate_labels_are_invalid_signature()
    {
        // RFC 8941 keeps the last duplicate; an attacker appends a second sig1 hoping the verifier reads the first.
        var honest = TestRequest.Get().Sign(SecurityApp.AgentKey);
        var other = TestRequest.Get().Sign(SecurityApp.AgentKey, components: [SignatureComponent.Method]);
        var request = honest.Clone()
            .Set("signature-input", honest.Header("signature-input") + ", " + other.Header("signature-input"))
            .Set("signature", honest.Header("signature") + ", " + other.Header("signature"));
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.InvalidSignature);
        AssertReasonLogged("repeats a label");
    }

    [Fact]
    public async Task Duplicate_component_identifiers_are_invalid_signature()
    {
        // The signer refuses to express it, so the attacker edits Signature-Input by hand.
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey);
        request.Set("signature-input", request.Header("signature-input")!.Replace("(\"@method\"", "(\"@method\" \"@method\"", StringComparison.Ordinal));
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.InvalidSignature);
        AssertReasonLogged("covered twice");
    }

    [Fact]
    public async Task CR_LF_in_covered_fields_cannot_move_content_between_base_lines()
    {
        // Naively joined, these two messages have the same signature base ("x-a": 1 / "x-b": 2 / "x-b": 3), so a signature
        // over one would verify the other. Line breaks in a value are folded to one space (RFC 9421 §2.1, RFC 9110 §5.5),
        // and the base builder refuses any newline that survives, so the bases differ.
        var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("x-a"), SignatureComponent.Field("x-b") };
        var signed = TestRequest.Get().Set("x-a", "1").Set("x-b", "2\n\"x-b\": 3").Sign(SecurityApp.AgentKey, components: components);
        Assert.Equal(200, (await _app.SendAsync(signed)).Status);

        var moved = signed.Clone().Set("x-a", "1\n\"x-b\": 2").Set("x-b", "3");
        AssertSignatureError(await _app.SendAsync(moved), AgentAuthErrors.InvalidSignature);
        AssertReasonLogged("does not verify");
    }

    [Theory]
    [InlineData("CR LF", "a\r\nx-injected: b")]
    [InlineData("bare LF", "a\n\"@method\": POST")]
    [InlineData("bare CR", "a\rb")]
    public async Task CR_LF_injected_into_a_covered_field_is_invalid_signature(string what, string value)
    {
        var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("x-note") };
        var request = TestRequest.Get().Set("x-note", "a").Sign(SecurityApp.AgentKey, components: components);
        Assert.Equal(200, (await _app.SendAsync(request)).Status);

        request.Set("x-note", value);
        var response = await _app.SendAsync(request);
        Assert.True(response.Status == 401, what);
        Assert.Equal("error=" + AgentAuthErrors.InvalidSignature, response.SignatureError);
    }

    [Fact]
    public async Task Obs_fold_is_unfolded_as_RFC_9421_requires_and_forges_nothing()
    {
        // RFC 9421 §2.1: obsolete line folding becomes one space, so "a\r\n b" is the value "a b", never a new line.
        var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("x-note") };
        var request = TestRequest.Get().Set("x-note", "a b").Sign(SecurityApp.AgentKey, components: components);
        Assert.Equal(200, (await _app.SendAsync(request.Clone().Set("x-note", "a\r\n b"))).Status);
        AssertSignatureError(await _app.SendAsync(request.Clone().Set("x-note", "a\r\n c")), AgentAuthErrors.InvalidSignature);
    }

    [Fact]
    public async Task NUL_and_control_characters_in_a_covered_field_are_invalid_signature()
    {
        var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("x-note") };
        var request = TestRequest.Get().Set("x-note", "ab").Sign(SecurityApp.AgentKey, components: components);
        foreach (var value in new[] { "a\0b", "a\u0001b", "a\u007Fb", "a\u00E9b" })
        {
            AssertSignatureError(await _app.SendAsync(request.Clone().Set("x-note", value)), AgentAuthErrors.InvalidSignature);
        }
        AssertReasonLogged("not printable ASCII");
    }

    [Fact]
    public async Task Signature_covering_too_little_is_invalid_input_with_required_input()
    {
        var response = await _app.SendAsync(TestRequest.Get().Sign(SecurityApp.AgentKey, components: [SignatureComponent.Method]));
        Assert.Equal(401, response.Status);
        Assert.Equal("error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\")", response.SignatureError);
    }

    [Fact]
    public async Task Body_not_covered_by_content_digest_is_invalid_input()
    {
        var request = TestRequest.Post("/data", "{\"amount\":1}");
        request.Sign(SecurityApp.AgentKey, components: [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path]);
        var response = await _app.SendAsync(request);
        Assert.Equal(401, response.Status);
        Assert.StartsWith("error=invalid_input", response.SignatureError);
        Assert.Contains("\"content-digest\"", response.SignatureError);
    }

    // ---- Time ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Created_in_the_future_beyond_the_skew_is_clock_skew()
    {
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Created = SecurityApp.Now.AddSeconds(61) });
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.ClockSkew);
    }

    [Fact]
    public async Task Expired_signature_is_invalid_signature()
    {
        var expired = TestRequest.Get().Sign(SecurityApp.AgentKey,
            new SignatureParameters { Created = SecurityApp.Now.AddSeconds(-120), Expires = SecurityApp.Now.AddSeconds(-61) });
        // With the default 60 s window and 60 s skew, an expires past the skew always comes with a created outside the
        // window (or before it), so the window check is what refuses it; the code is the same.
        AssertSignatureError(await _app.SendAsync(expired), AgentAuthErrors.InvalidSignature);

        // The default window is 60 s (RFC 9421 §3.2.1: created bounds the signature's age).
        var stale = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Created = SecurityApp.Now.AddSeconds(-61) });
        AssertSignatureError(await _app.SendAsync(stale), AgentAuthErrors.InvalidSignature);
        AssertReasonLogged("older than the allowed window");
    }

    [Fact]
    public async Task Expired_token_is_invalid_token()
    {
        var token = SecurityApp.Token(c =>
        {
            c["iat"] = TestTokens.NowSeconds - 600;
            c["nbf"] = TestTokens.NowSeconds - 600;
            c["exp"] = TestTokens.NowSeconds - 61;
        });
        AssertChallengeError(await _app.SendAsync(TestRequest.Get().Set("authorization", "Bearer " + token)), "Bearer", AgentAuthErrors.InvalidToken);
    }

    // ---- Replay ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Nonce_replay_is_invalid_signature()
    {
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = "n-" + Guid.NewGuid().ToString("N") });
        Assert.Equal(200, (await _app.SendAsync(request)).Status);
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.InvalidSignature);
        AssertReasonLogged("nonce was already used");
    }

    [Fact]
    public async Task Nonce_replay_with_an_escaped_nonce_is_invalid_signature()
    {
        // A nonce containing '"' and '\' travels escaped; the replay key is built from its value, not from a lookalike.
        var nonce = "n\"q\\-" + Guid.NewGuid().ToString("N");
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = nonce });
        Assert.Equal(200, (await _app.SendAsync(request)).Status);
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.InvalidSignature);
        AssertReasonLogged("nonce was already used");
        Assert.Equal(200, (await _app.SendAsync(TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = nonce + "x" }))).Status);
    }

    [Fact]
    public async Task DPoP_jti_replay_is_invalid_dpop_proof()
    {
        using var proofKey = SignatureKey.GenerateEcdsaP256();
        var token = SecurityApp.BoundToken(proofKey);
        var proof = new TestProofBuilder(proofKey, "ES256", "GET", "https://api.example/data", token, SecurityApp.Now).Build();
        var request = TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", proof);
        Assert.Equal(200, (await _app.SendAsync(request)).Status);
        AssertChallengeError(await _app.SendAsync(request), "DPoP", AgentAuthErrors.InvalidDPoPProof);
    }

    // ---- Body ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Published_but_wrong_B24_content_digest_is_invalid_signature()
    {
        // RFC 9421 B.2.4 prints a Content-Digest that is not the digest of its body; several fixtures copy it.
        using var vectors = ConformanceFiles.ReadJson("rfc9421/vectors.json");
        string? published = null;
        foreach (var element in (vectors.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
                     ? vectors.RootElement : vectors.RootElement.GetProperty("cases")).EnumerateArray())
        {
            if (element.GetProperty("id").GetString() == "rfc9421-B.2.4-published-digest")
            {
                var message = element.GetProperty("message").GetString()!;
                published = message.Split('\n').Single(l => l.StartsWith("Content-Digest: ", StringComparison.Ordinal))["Content-Digest: ".Length..];
            }
        }
        Assert.NotNull(published);

        var request = TestRequest.Post("/data", "{\"message\": \"good dog\"}").Set("content-digest", published);
        request.Sign(SecurityApp.AgentKey);
        var response = await _app.SendAsync(request);
        AssertSignatureError(response, AgentAuthErrors.InvalidSignature);
        AssertReasonLogged("Content-Digest does not match the body");
    }

    // ---- Request target and authority ------------------------------------------------------------------------

    [Fact]
    public async Task Raw_versus_decoded_path_is_invalid_signature()
    {
        var raw = TestRequest.Get("/a%2Db").Sign(SecurityApp.AgentKey);
        Assert.Equal(200, (await _app.SendAsync(raw)).Status);

        // The same resource by its decoded spelling: @path is the raw target, so the signature no longer matches.
        var decoded = raw.Clone();
        decoded.Target = "/a-b";
        AssertSignatureError(await _app.SendAsync(decoded), AgentAuthErrors.InvalidSignature);

        // And a signature made over a decoded path does not cover the encoded target.
        var signedDecoded = TestRequest.Get("/a-b").Sign(SecurityApp.AgentKey);
        signedDecoded.Target = "/a%2Db";
        AssertSignatureError(await _app.SendAsync(signedDecoded), AgentAuthErrors.InvalidSignature);

        // Encoded slash: /a%2Fb must not pass as /a/b.
        var slash = TestRequest.Get("/a/b").Sign(SecurityApp.AgentKey);
        slash.Target = "/a%2Fb";
        AssertSignatureError(await _app.SendAsync(slash), AgentAuthErrors.InvalidSignature);
    }

    [Theory]
    [InlineData("api.example:8443", "api.example")]
    [InlineData("api.example", "api.example:8443")]
    [InlineData("api.example.", "api.example")]
    [InlineData("other.example", "api.example")]
    [InlineData("api.example@other.example", "api.example")]
    public async Task Authority_port_and_host_tricks_are_invalid_signature(string signedFor, string sentTo)
    {
        var request = new TestRequest { Authority = signedFor }.Sign(SecurityApp.AgentKey);
        request.Authority = sentTo;
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.InvalidSignature);
    }

    [Fact]
    public async Task Authority_case_is_normalized_not_exploitable()
    {
        // RFC 9421 §2.2.3: @authority is lowercased on both sides, so case differences neither break nor forge a signature.
        var request = new TestRequest { Authority = "API.Example" }.Sign(SecurityApp.AgentKey);
        Assert.Equal(200, (await _app.SendAsync(request)).Status);
        request.Authority = "api.EXAMPLE";
        Assert.Equal(200, (await _app.SendAsync(request)).Status);
    }

    [Fact]
    public async Task Punycode_host_is_compared_as_received_and_invalid_punycode_is_refused_cleanly()
    {
        // HttpRequest.Host decodes punycode (and throws on invalid punycode); @authority and htu use the Host field as sent.
        var idn = new TestRequest { Authority = "xn--bcher-kva.example" }.Sign(SecurityApp.AgentKey);
        Assert.Equal(200, (await _app.SendAsync(idn)).Status);

        var unicode = idn.Clone();
        unicode.Authority = "b\u00fccher.example";
        AssertSignatureError(await _app.SendAsync(unicode), AgentAuthErrors.InvalidSignature);

        var invalid = TestRequest.Get().Sign(SecurityApp.AgentKey);
        invalid.Authority = "xn--zz";
        AssertSignatureError(await _app.SendAsync(invalid), AgentAuthErrors.InvalidSignature);

        using var proofKey = SignatureKey.GenerateEcdsaP256();
        var token = SecurityApp.BoundToken(proofKey);
        var proof = new TestProofBuilder(proofKey, "ES256", "GET", "https://xn--zz/data", token, SecurityApp.Now).Build();
        var dpop = new TestRequest { Authority = "xn--zz" }.Set("authorization", "DPoP " + token).Set("dpop", proof);
        Assert.True((await _app.SendAsync(dpop)).Status is 200 or 401);
        Assert.DoesNotContain(_app.Logs.Events, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task X_Forwarded_headers_without_a_trusted_proxy_change_nothing()
    {
        // The agent signed for the attacker's host; forwarded headers claiming that host are not read by the scheme.
        var request = new TestRequest { Authority = "evil.example" }.Sign(SecurityApp.AgentKey);
        request.Authority = SecurityApp.Authority;
        request.Set("x-forwarded-host", "evil.example").Set("x-forwarded-proto", "https").Set("forwarded", "host=evil.example;proto=https");
        AssertSignatureError(await _app.SendAsync(request), AgentAuthErrors.InvalidSignature);

        // A request signed for the real host still passes, whatever the forwarded headers say.
        var honest = TestRequest.Get().Sign(SecurityApp.AgentKey).Set("x-forwarded-host", "evil.example");
        Assert.Equal(200, (await _app.SendAsync(honest)).Status);
    }

    // ---- Tokens and binding ------------------------------------------------------------------------------------

    [Fact]
    public async Task Token_substitution_against_DPoP_ath_is_invalid_dpop_proof()
    {
        using var proofKey = SignatureKey.GenerateEcdsaP256();
        var tokenA = SecurityApp.BoundToken(proofKey, c => c["scope"] = "read:data:*");
        var tokenB = SecurityApp.BoundToken(proofKey, c => c["scope"] = "admin:data:*");
        var proofForA = new TestProofBuilder(proofKey, "ES256", "GET", "https://api.example/data", tokenA, SecurityApp.Now).Build();

        var response = await _app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + tokenB).Set("dpop", proofForA));
        AssertChallengeError(response, "DPoP", AgentAuthErrors.InvalidDPoPProof);
    }

    [Fact]
    public async Task Cnf_mismatch_between_token_and_signing_key_is_invalid_token()
    {
        var token = SecurityApp.BoundToken(SecurityApp.OtherAgentKey);
        // A signature that carries a token must have a nonce (RFC 9421 §7.2.2: replay of a bound token).
        var request = TestRequest.Get().Set("authorization", "Bearer " + token)
            .Sign(SecurityApp.AgentKey, new SignatureParameters { Created = SecurityApp.Now, Nonce = "cnf-mismatch-1" });
        AssertChallengeError(await _app.SendAsync(request), "Bearer", AgentAuthErrors.InvalidToken);

        var control = TestRequest.Get().Set("authorization", "Bearer " + token)
            .Sign(SecurityApp.OtherAgentKey, new SignatureParameters { Created = SecurityApp.Now, Nonce = "cnf-mismatch-2" });
        Assert.Equal(200, (await _app.SendAsync(control)).Status);
    }

    [Fact]
    public async Task Cnf_mismatch_between_DPoP_token_and_proof_key_is_invalid_token()
    {
        using var proofKey = SignatureKey.GenerateEcdsaP256();
        using var otherKey = SignatureKey.GenerateEcdsaP256();
        var token = SecurityApp.BoundToken(otherKey);
        var proof = new TestProofBuilder(proofKey, "ES256", "GET", "https://api.example/data", token, SecurityApp.Now).Build();
        AssertChallengeError(await _app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", proof)), "DPoP", AgentAuthErrors.InvalidToken);
    }

    [Fact]
    public async Task Bound_token_presented_as_bearer_is_invalid_token()
    {
        var token = SecurityApp.BoundToken(SecurityApp.AgentKey);
        var response = await _app.SendAsync(TestRequest.Get().Set("authorization", "Bearer " + token));
        AssertChallengeError(response, "Bearer", AgentAuthErrors.InvalidToken);
        // The other proof-of-possession challenges are still offered.
        Assert.Contains(response.Headers.WWWAuthenticate, v => v!.StartsWith("DPoP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Token_for_another_audience_is_invalid_token()
    {
        var token = SecurityApp.Token(c => c["aud"] = "https://other-api.example");
        AssertChallengeError(await _app.SendAsync(TestRequest.Get().Set("authorization", "Bearer " + token)), "Bearer", AgentAuthErrors.InvalidToken);
    }

    [Fact]
    public async Task Token_from_an_untrusted_issuer_with_a_self_made_key_is_invalid_token()
    {
        using var attackerKey = SignatureKey.GenerateEd25519("issuer-1");
        var token = SecurityApp.Token(signer: attackerKey);
        AssertChallengeError(await _app.SendAsync(TestRequest.Get().Set("authorization", "Bearer " + token)), "Bearer", AgentAuthErrors.InvalidToken);
    }

    [Fact]
    public async Task Signature_by_an_unknown_key_reusing_a_trusted_keyid_is_invalid_signature()
    {
        // keyid names the trusted key; the attacker's own key made the signature.
        AssertSignatureError(await _app.SendAsync(TestRequest.Get().Sign(SecurityApp.StrangerKey)), AgentAuthErrors.InvalidSignature);
        AssertSignatureError(await _app.SendAsync(TestRequest.Get().Sign(SecurityApp.StrangerKey, new SignatureParameters { KeyId = "nobody" })), AgentAuthErrors.UnknownKey);
    }
}
