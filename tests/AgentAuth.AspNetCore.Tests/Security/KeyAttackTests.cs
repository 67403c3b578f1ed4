using System.Buffers.Text;
using System.Numerics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Keys;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 14, the key cases (docs/security.md, "Key material and key sets"): badly encoded RSA keys (F5), a directory
/// frozen by one bad key (F5b), last-known-good keys coming back (LKG), a <c>kid</c> taking another key's thumbprint
/// identity (F3), and attacker-chosen RSA keys (F4). Every case goes through the whole scheme; remote key sets are served
/// by a real Kestrel JWKS server on loopback.
/// </summary>
public sealed class KeyAttackTests : IAsyncLifetime
{
    private const int RemoteKeySkippedEvent = 7120;
    private const int ConfiguredKeySkippedEvent = 7121;

    private static readonly Lazy<SignatureKey> s_rsa = new(() => SignatureKey.GenerateRsa(JoseAlgorithms.RS256, 2048, "rsa-1"));
    private static readonly Lazy<HostileRsaKey> s_hostile = new(() => HostileRsaKey.Create(3072, hugeExponent: true));

    private TestJwksServer _server = null!;

    public async Task InitializeAsync() => _server = await TestJwksServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private SecurityApp DirectoryApp(Action<AgentAuthOptions>? configure = null) => SecurityApp.Create(o =>
    {
        o.AgentKeys.JsonWebKeySet = null;
        o.AgentKeys.JwksUri = _server.JwksUri.ToString();
        o.AgentKeys.RequireHttpsMetadata = false;
        o.Jwks.RefreshInterval = TimeSpan.FromMinutes(1);
        o.Signatures.MaxAge = TimeSpan.FromDays(1);
        o.Signatures.AllowLongMaxAge = true;
        configure?.Invoke(o);
    });

    private static TestRequest Signed(SignatureKey key, string? keyId = null) =>
        TestRequest.Get().Sign(key, new SignatureParameters { KeyId = keyId ?? key.KeyId });

    private static void AssertSignatureError(SecurityResponse response, string error)
    {
        Assert.True(response.Status == 401, response.ToString());
        Assert.Equal("error=" + error, response.SignatureError?.Split(',')[0]);
    }

    private static void AssertChallengeError(SecurityResponse response, string scheme, string error)
    {
        Assert.True(response.Status == 401, response.ToString());
        Assert.StartsWith(scheme + " error=\"" + error + "\"", response.Headers.WWWAuthenticate[0]);
    }

    private static void AssertNoErrorLogged(SecurityApp app) =>
        Assert.DoesNotContain(app.Logs.Events, e => e.Level >= LogLevel.Error);

    private static void AssertLoggedOnce(SecurityApp app, int eventId, string fragment)
    {
        var lines = app.Logs.Events.Where(e => e.Id.Id == eventId).Select(e => e.Message).ToArray();
        Assert.True(lines.Length == 1, $"expected one event {eventId}, got:\n" + string.Join("\n", lines));
        Assert.Contains(fragment, lines[0], StringComparison.Ordinal);
    }

    /// <summary>An RSA public JWK whose <paramref name="member"/> (<c>n</c> or <c>e</c>) carries a redundant leading zero octet.</summary>
    private static JsonObject LeadingZeroRsaJwk(string member, string kid)
    {
        var jwk = TestTokens.PublicJwk(s_rsa.Value, "RS256");
        var value = Base64Url.DecodeFromChars(jwk[member]!.GetValue<string>());
        jwk[member] = Base64Url.EncodeToString([0, .. value]);
        jwk["kid"] = kid;
        return jwk;
    }

    // ---- F5: one badly encoded RSA key ------------------------------------------------------------------------

    [Theory]
    [InlineData("e")]
    [InlineData("n")]
    public async Task F5_remote_directory_with_a_leading_zero_rsa_key_skips_that_key_and_uses_the_others(string member)
    {
        _server.SetJwks(TestTokens.Jwks(LeadingZeroRsaJwk(member, "bad-rsa"),
            TestTokens.PublicJwk(SecurityApp.AgentKey, null), TestTokens.PublicJwk(SecurityApp.OtherAgentKey, null)));
        await using var app = DirectoryApp();

        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status);
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.OtherAgentKey))).Status);
        AssertSignatureError(await app.SendAsync(Signed(s_rsa.Value, "bad-rsa")), AgentAuthErrors.UnknownKey);

        // A second good fetch of the same set: the bad key is counted again but logged once.
        app.Time.Advance(TimeSpan.FromMinutes(2));
        AssertSignatureError(await app.SendAsync(Signed(SecurityApp.AgentKey, "ghost")), AgentAuthErrors.UnknownKey);
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status);
        Assert.True(_server.JwksRequests >= 2, "the refresh was not attempted");
        AssertLoggedOnce(app, RemoteKeySkippedEvent, "bad-rsa");
        Assert.True(app.Measurements.Count(m => m.Name == "agentauth.jwks.keys_skipped") >= 2, "the skipped key was not counted per fetch");
        AssertNoErrorLogged(app);
    }

    [Fact]
    public async Task F5_inline_agent_jwks_with_a_leading_zero_rsa_key_starts_and_uses_the_other_keys()
    {
        await using var app = SecurityApp.Create(o => o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(
            LeadingZeroRsaJwk("e", "bad-rsa"), TestTokens.PublicJwk(SecurityApp.AgentKey, null)));

        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status);
        AssertSignatureError(await app.SendAsync(Signed(s_rsa.Value, "bad-rsa")), AgentAuthErrors.UnknownKey);
        AssertLoggedOnce(app, ConfiguredKeySkippedEvent, "AgentAuthOptions.AgentKeys.JsonWebKeySet");
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("issuer")]
    public async Task F5_inline_jwks_whose_only_key_is_malformed_fails_startup_naming_the_option(string which)
    {
        var bad = TestTokens.Jwks(LeadingZeroRsaJwk("n", "bad-rsa"));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = SecurityApp.Create(o =>
            {
                if (which == "agent")
                {
                    o.AgentKeys.JsonWebKeySet = bad;
                }
                else
                {
                    o.Issuers[0].JsonWebKeySet = bad;
                }
            });
            await app.SendAsync(Signed(SecurityApp.AgentKey));
        });
        Assert.Contains(which == "agent" ? "AgentAuthOptions.AgentKeys.JsonWebKeySet" : "AgentAuthOptions.Issuers[0].JsonWebKeySet", error.Message, StringComparison.Ordinal);
        Assert.Contains("leading zero", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("e")]
    [InlineData("n")]
    public async Task F5_dpop_proof_with_a_leading_zero_rsa_jwk_is_invalid_dpop_proof(string member)
    {
        await using var app = SecurityApp.Create();
        var key = s_rsa.Value;
        var token = SecurityApp.BoundToken(key);
        var builder = new TestProofBuilder(key, "RS256", "GET", "https://api.example/data", token, SecurityApp.Now);
        var value = Base64Url.DecodeFromChars(builder.Header["jwk"]![member]!.GetValue<string>());
        builder.Header["jwk"]![member] = Base64Url.EncodeToString([0, .. value]);

        var response = await app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", builder.Build()));
        AssertChallengeError(response, "DPoP", AgentAuthErrors.InvalidDPoPProof);
        AssertNoErrorLogged(app);

        var control = new TestProofBuilder(key, "RS256", "GET", "https://api.example/data", token, SecurityApp.Now);
        Assert.Equal(200, (await app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", control.Build()))).Status);
    }

    // ---- F5b: one bad key must not freeze a directory -------------------------------------------------------

    [Fact]
    public async Task F5b_a_directory_with_a_bad_key_still_revokes_removed_keys_and_picks_up_new_ones()
    {
        using var newKey = SignatureKey.GenerateEd25519("agent-3");
        var bad = LeadingZeroRsaJwk("e", "bad-rsa");
        _server.SetJwks(TestTokens.Jwks(bad, TestTokens.PublicJwk(SecurityApp.AgentKey, null), TestTokens.PublicJwk(SecurityApp.OtherAgentKey, null)));
        await using var app = DirectoryApp();
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.OtherAgentKey))).Status);

        // The directory revokes agent-2 and adds agent-3; the bad key is still there.
        _server.SetJwks(TestTokens.Jwks(bad, TestTokens.PublicJwk(SecurityApp.AgentKey, null), TestTokens.PublicJwk(newKey, null)));
        app.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(200, (await app.SendAsync(Signed(newKey))).Status); // the unknown kid forces the refresh
        AssertSignatureError(await app.SendAsync(Signed(SecurityApp.OtherAgentKey)), AgentAuthErrors.UnknownKey);
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status);
    }

    // ---- Last-known-good is the last good set, not the union ------------------------------------------------

    [Fact]
    public async Task Last_known_good_a_key_removed_by_a_good_fetch_does_not_come_back_when_the_next_fetch_fails()
    {
        _server.SetJwks(SecurityApp.AgentJwks());
        await using var app = DirectoryApp();
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.OtherAgentKey))).Status);

        // A good fetch revokes agent-2.
        _server.SetJwks(SecurityApp.AgentJwks(SecurityApp.AgentKey));
        app.Time.Advance(TimeSpan.FromMinutes(2));
        AssertSignatureError(await app.SendAsync(Signed(SecurityApp.AgentKey, "ghost")), AgentAuthErrors.UnknownKey);
        AssertSignatureError(await app.SendAsync(Signed(SecurityApp.OtherAgentKey)), AgentAuthErrors.UnknownKey);

        // The attacker breaks the endpoint: the next (forced) fetch fails. The revocation stands.
        _server.SetStatus(500);
        app.Time.Advance(TimeSpan.FromMinutes(2));
        var fetched = _server.JwksRequests;
        AssertSignatureError(await app.SendAsync(Signed(SecurityApp.OtherAgentKey)), AgentAuthErrors.UnknownKey);
        Assert.True(_server.JwksRequests > fetched, "the failing refresh was not attempted");
        AssertSignatureError(await app.SendAsync(Signed(SecurityApp.OtherAgentKey)), AgentAuthErrors.UnknownKey);

        // The last good set keeps serving during the outage.
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status);
    }

    // ---- F3: a kid equal to another key's thumbprint --------------------------------------------------------

    [Fact]
    public async Task F3_a_kid_equal_to_another_keys_thumbprint_cannot_take_its_identity()
    {
        // Web Bot Auth style: the victim registered its key without a kid and signs with keyid = its RFC 7638 thumbprint.
        using var victim = SignatureKey.GenerateEd25519();
        using var attacker = SignatureKey.GenerateEd25519();
        var attackerJwk = TestTokens.PublicJwk(attacker, null);
        attackerJwk["kid"] = victim.Thumbprint;
        _server.SetJwks(TestTokens.Jwks(attackerJwk, TestTokens.PublicJwk(victim, null), TestTokens.PublicJwk(SecurityApp.AgentKey, null)));
        ClaimsPrincipal? principal = null;
        await using var app = DirectoryApp(o => o.Events = new AgentAuthEvents
        {
            OnTokenValidated = context =>
            {
                principal = context.Principal;
                return Task.CompletedTask;
            },
        });

        // The attacker signs as the victim's thumbprint: the keyid resolves to the victim's key only.
        AssertSignatureError(await app.SendAsync(Signed(attacker, victim.Thumbprint)), AgentAuthErrors.InvalidSignature);
        Assert.Null(principal);

        // The victim is not locked out, and its identity is its key's thumbprint.
        Assert.Equal(200, (await app.SendAsync(Signed(victim, victim.Thumbprint))).Status);
        Assert.NotNull(principal);
        Assert.Equal(victim.Thumbprint, principal!.FindFirst(AgentAuthClaimTypes.Subject)?.Value);
        Assert.Equal(victim.Thumbprint, principal.FindFirst(AgentAuthClaimTypes.KeyId)?.Value);
        Assert.Equal(victim.Thumbprint, principal.FindFirst(AgentAuthClaimTypes.KeyThumbprint)?.Value);

        // The colliding entry was refused when the set was loaded, and said so; the rest of the set works.
        AssertLoggedOnce(app, RemoteKeySkippedEvent, "kid_collision");
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status);
    }

    [Fact]
    public async Task F3_an_inline_set_with_a_kid_equal_to_another_keys_thumbprint_fails_startup_naming_the_option()
    {
        using var victim = SignatureKey.GenerateEd25519();
        using var attacker = SignatureKey.GenerateEd25519();
        var attackerJwk = TestTokens.PublicJwk(attacker, null);
        attackerJwk["kid"] = victim.Thumbprint;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = SecurityApp.Create(o => o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(victim, null), attackerJwk));
            await app.SendAsync(Signed(victim, victim.Thumbprint));
        });
        Assert.Contains("AgentAuthOptions.AgentKeys.JsonWebKeySet entry 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("thumbprint of another key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task F3_a_configured_kid_equal_to_a_directory_keys_thumbprint_does_not_shadow_that_key()
    {
        // The thumbprint rule holds across sources too: once the directory is loaded, a keyid that is the thumbprint of a
        // directory key resolves to that key, not to a configured key whose kid is the same string.
        using var directoryKey = SignatureKey.GenerateEd25519();
        using var configured = SignatureKey.GenerateEd25519();
        var configuredJwk = TestTokens.PublicJwk(configured, null);
        configuredJwk["kid"] = directoryKey.Thumbprint;
        _server.SetJwks(TestTokens.Jwks(TestTokens.PublicJwk(directoryKey, null), TestTokens.PublicJwk(SecurityApp.AgentKey, null)));
        await using var app = DirectoryApp(o => o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(configuredJwk));
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status); // loads the directory

        Assert.Equal(200, (await app.SendAsync(Signed(directoryKey, directoryKey.Thumbprint))).Status);
        AssertSignatureError(await app.SendAsync(Signed(configured, directoryKey.Thumbprint)), AgentAuthErrors.InvalidSignature);
    }

    // ---- F4: attacker-chosen RSA keys ------------------------------------------------------------------------

    [Fact]
    public async Task F4_dpop_proof_with_a_3072_bit_modulus_and_a_huge_exponent_is_invalid_dpop_proof()
    {
        // The attacker holds a valid token bound to its own hostile key and signs a valid proof with it: every check
        // passes except the key policy, which must refuse the key before it is used to verify.
        var hostile = s_hostile.Value;
        var token = SecurityApp.BoundToken(SecurityApp.AgentKey, claims => claims["cnf"] = new JsonObject { ["jkt"] = hostile.Thumbprint });
        await using var app = SecurityApp.Create();

        var response = await app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", hostile.Proof(token)));
        AssertChallengeError(response, "DPoP", AgentAuthErrors.InvalidDPoPProof);
        Assert.Contains(app.Logs.Events, e => e.Id.Name == "AuthenticationFailed" && e.Message.Contains("exponent 65537", StringComparison.Ordinal));
        AssertNoErrorLogged(app);
    }

    [Fact]
    public async Task F4_dpop_proof_key_is_compared_with_cnf_jkt_before_any_signature_work()
    {
        // A hostile key that is not the token's key is refused on its thumbprint alone (a SHA-256 over the JWK), as a
        // binding failure, never by importing it and verifying its (here invalid) signature.
        var hostile = s_hostile.Value;
        using var tokenKey = SignatureKey.GenerateEcdsaP256();
        var token = SecurityApp.BoundToken(tokenKey);
        await using var app = SecurityApp.Create();

        var proof = hostile.Proof(token);
        var forged = proof[..(proof.LastIndexOf('.') + 1)] + Base64Url.EncodeToString(new byte[384]);
        AssertChallengeError(await app.SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", forged)), "DPoP", AgentAuthErrors.InvalidToken);
        Assert.DoesNotContain(app.Logs.Events, e => e.Message.Contains("signature is invalid", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("exponent 3")]
    [InlineData("3072-bit modulus, 3071-bit exponent")]
    [InlineData("4104-bit modulus")]
    [InlineData("2040-bit modulus")]
    public async Task F4_rsa_agent_and_issuer_keys_outside_the_policy_never_enter_the_key_set(string what)
    {
        var jwk = what switch
        {
            "exponent 3" => HostileRsaKey.PublicJwk(s_rsa.Value, e: [3]),
            "3072-bit modulus, 3071-bit exponent" => s_hostile.Value.ToJwk(),
            "4104-bit modulus" => HostileRsaKey.RandomModulusJwk(4104),
            _ => HostileRsaKey.RandomModulusJwk(2040),
        };
        jwk["kid"] = "hostile";
        jwk["alg"] = "RS256";
        await using var app = SecurityApp.Create(o =>
        {
            o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(jwk, TestTokens.PublicJwk(SecurityApp.AgentKey, null));
            o.Issuers[0].JsonWebKeySet = TestTokens.Jwks(jwk, TestTokens.PublicJwk(SecurityApp.IssuerKey, null));
        });

        // Known key id, bad signature: invalid_signature if the key had been loaded; it was not, so unknown_key.
        var request = Signed(SecurityApp.AgentKey, "hostile");
        var response = await app.SendAsync(request);
        Assert.True(response.Status == 401, what + ": " + response);
        Assert.Equal("error=" + AgentAuthErrors.UnknownKey, response.SignatureError);
        var skipped = app.Logs.Events.Where(e => e.Id.Id == ConfiguredKeySkippedEvent).Select(e => e.Message).ToArray();
        Assert.Contains(skipped, m => m.Contains("AgentAuthOptions.AgentKeys.JsonWebKeySet", StringComparison.Ordinal) && m.Contains("RSA keys must", StringComparison.Ordinal));
        Assert.Contains(skipped, m => m.Contains("AgentAuthOptions.Issuers[0].JsonWebKeySet", StringComparison.Ordinal) && m.Contains("RSA keys must", StringComparison.Ordinal));
        Assert.Equal(200, (await app.SendAsync(Signed(SecurityApp.AgentKey))).Status);
    }
}

/// <summary>
/// RSA keys no well-behaved library makes: a huge public exponent (with the matching private exponent, so proofs really
/// verify under it), a small one, or a modulus of the wrong size. Signing is done here with <see cref="BigInteger"/>
/// (RSASSA-PKCS1-v1_5, RFC 8017 §8.2), because a platform RSA refuses such keys or does not sign with them.
/// </summary>
internal sealed class HostileRsaKey
{
    // DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1).
    private static readonly byte[] s_sha256DigestInfo = Convert.FromHexString("3031300d060960864801650304020105000420");

    private readonly BigInteger _n;
    private readonly BigInteger _d;
    private readonly int _size;
    private readonly string _nText;
    private readonly string _eText;

    private HostileRsaKey(BigInteger n, BigInteger e, BigInteger d)
    {
        _n = n;
        _d = d;
        _size = n.GetByteCount(isUnsigned: true);
        _nText = Base64Url.EncodeToString(n.ToByteArray(isUnsigned: true, isBigEndian: true));
        _eText = Base64Url.EncodeToString(e.ToByteArray(isUnsigned: true, isBigEndian: true));
        Assert.True(Jwk.TryParse(ToJwk().ToJsonString(), out var jwk, out var error), error);
        Thumbprint = JwkThumbprint.ComputeSha256(jwk!);
    }

    public string Thumbprint { get; }

    public static HostileRsaKey Create(int modulusBits, bool hugeExponent)
    {
        using var rsa = RSA.Create(modulusBits);
        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        var p = new BigInteger(parameters.P, isUnsigned: true, isBigEndian: true);
        var q = new BigInteger(parameters.Q, isUnsigned: true, isBigEndian: true);
        var n = p * q;
        var phi = (p - 1) * (q - 1);
        var e = new BigInteger(65537);
        if (hugeExponent)
        {
            var bytes = new byte[(modulusBits - 1) / 8];
            do
            {
                RandomNumberGenerator.Fill(bytes);
                bytes[0] |= 0x80;
                bytes[^1] |= 1;
                e = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            }
            while (!BigInteger.GreatestCommonDivisor(e, phi).IsOne);
        }
        return new HostileRsaKey(n, e, ModInverse(e, phi));
    }

    public JsonObject ToJwk() => new() { ["kty"] = "RSA", ["n"] = _nText, ["e"] = _eText };

    /// <summary>The public JWK of <paramref name="key"/> with its exponent replaced.</summary>
    public static JsonObject PublicJwk(SignatureKey key, byte[] e)
    {
        var jwk = TestTokens.PublicJwk(key, null);
        jwk["e"] = Base64Url.EncodeToString(e);
        return jwk;
    }

    /// <summary>A JWK with a random odd modulus of exactly <paramref name="bits"/> bits and exponent 65537 (never a valid key; it only has to be refused).</summary>
    public static JsonObject RandomModulusJwk(int bits)
    {
        var n = new byte[(bits + 7) / 8];
        RandomNumberGenerator.Fill(n);
        var top = bits % 8 == 0 ? 8 : bits % 8;
        n[0] = (byte)((n[0] | (1 << (top - 1))) & ((1 << top) - 1));
        n[^1] |= 1;
        return new JsonObject { ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(n), ["e"] = "AQAB" };
    }

    /// <summary>A DPoP proof for GET https://api.example/data, signed RS256 with this key, carrying it as <c>jwk</c>.</summary>
    public string Proof(string accessToken)
    {
        var header = new JsonObject { ["typ"] = "dpop+jwt", ["alg"] = "RS256", ["jwk"] = ToJwk() };
        var claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = "GET",
            ["htu"] = "https://api.example/data",
            ["iat"] = SecurityApp.Now.ToUnixTimeSeconds(),
            ["ath"] = DPoPAccessTokenHash.Compute(accessToken),
        };
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return signingInput + "." + Base64Url.EncodeToString(SignRs256(Encoding.ASCII.GetBytes(signingInput)));
    }

    private byte[] SignRs256(byte[] data)
    {
        // EM = 0x00 || 0x01 || PS (0xff...) || 0x00 || DigestInfo || H
        var em = new byte[_size];
        var hash = SHA256.HashData(data);
        var t = s_sha256DigestInfo.Length + hash.Length;
        em[1] = 0x01;
        em.AsSpan(2, _size - t - 3).Fill(0xff);
        s_sha256DigestInfo.CopyTo(em, _size - t);
        hash.CopyTo(em, _size - hash.Length);
        var s = BigInteger.ModPow(new BigInteger(em, isUnsigned: true, isBigEndian: true), _d, _n);
        var signature = new byte[_size];
        var bytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(signature, _size - bytes.Length);
        return signature;
    }

    private static BigInteger ModInverse(BigInteger a, BigInteger m)
    {
        BigInteger oldR = a, r = m, oldS = 1, s = 0;
        while (!r.IsZero)
        {
            var quotient = BigInteger.Divide(oldR, r);
            (oldR, r) = (r, oldR - (quotient * r));
            (oldS, s) = (s, oldS - (quotient * s));
        }
        Assert.True(oldR.IsOne);
        return ((oldS % m) + m) % m;
    }
}
