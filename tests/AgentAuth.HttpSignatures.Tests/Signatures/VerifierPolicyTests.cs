using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>Policy decisions of the verifier, each with its own error.</summary>
public sealed class VerifierPolicyTests
{
    private const long Now = 1_750_000_000;
    private const string Request = "GET /items?id=7 HTTP/1.1\nHost: api.example.com\nDate: x\n\n";

    private static readonly SignatureComponent[] s_components = [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path];

    private static RawHttpMessage Parse(string text)
    {
        Assert.True(RawHttpMessage.TryParse(text, "https", null, out var message));
        return message!;
    }

    private static string SignedText(SignatureKey key, SignatureParameters parameters, SignatureComponent[]? components = null, string label = "sig1")
    {
        var headers = new HttpMessageSigner(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now))).Sign(Parse(Request), label, components ?? s_components, parameters, key);
        return Request.Replace("\n\n", "\nSignature-Input: " + headers.SignatureInput + "\nSignature: " + headers.Signature + "\n\n", StringComparison.Ordinal);
    }

    private static Task<SignatureVerificationResult> Verify(string text, SignatureKey key, Action<HttpSignatureVerifierOptions>? configure = null,
        long now = Now, SignatureSelection selection = default)
    {
        var options = new HttpSignatureVerifierOptions();
        configure?.Invoke(options);
        return new HttpMessageSignatureVerifier(options, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(now)))
            .VerifyAsync(Parse(text), selection, new TestKeyResolver(("k1", key))).AsTask();
    }

    [Fact]
    public async Task Unsigned_or_half_signed_requests_are_invalid_request()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var unsigned = await Verify(Request, key);
        Assert.Equal(SignatureError.InvalidRequest, unsigned.Error);
        Assert.Equal("invalid_request", unsigned.ErrorCode);

        var text = SignedText(key, new SignatureParameters());
        var withoutSignature = string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("Signature:", StringComparison.Ordinal)));
        Assert.Equal(SignatureError.InvalidRequest, (await Verify(withoutSignature, key)).Error);
    }

    [Fact]
    public async Task Created_in_the_future_beyond_the_skew_is_clock_skew()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters { Created = DateTimeOffset.FromUnixTimeSeconds(Now + 61) });
        var result = await Verify(text, key);
        Assert.Equal(SignatureError.ClockSkew, result.Error);
        Assert.Equal("clock_skew", result.ErrorCode);
        Assert.True((await Verify(SignedText(key, new SignatureParameters { Created = DateTimeOffset.FromUnixTimeSeconds(Now + 60) }), key)).Succeeded);
    }

    [Fact]
    public async Task Signatures_older_than_the_window_or_past_expires_are_expired()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters());
        Assert.True((await Verify(text, key, now: Now + 300)).Succeeded);
        var old = await Verify(text, key, now: Now + 301);
        Assert.Equal(SignatureError.Expired, old.Error);
        Assert.Equal("invalid_signature", old.ErrorCode);
        Assert.True((await Verify(text, key, o => o.MaxAge = TimeSpan.FromHours(1), now: Now + 3000)).Succeeded);

        var expiring = SignedText(key, new SignatureParameters { Expires = DateTimeOffset.FromUnixTimeSeconds(Now + 10) });
        Assert.True((await Verify(expiring, key, now: Now + 70)).Succeeded);
        Assert.Equal(SignatureError.Expired, (await Verify(expiring, key, now: Now + 71)).Error);
    }

    [Fact]
    public async Task Created_and_nonce_requirements()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var noCreated = SignedText(key, new SignatureParameters { OmitCreated = true });
        var result = await Verify(noCreated, key);
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
        Assert.Contains("created", result.Reason, StringComparison.Ordinal);
        Assert.True((await Verify(noCreated, key, o => o.RequireCreated = false)).Succeeded);

        var noNonce = SignedText(key, new SignatureParameters());
        Assert.Equal(SignatureError.InvalidSignature, (await Verify(noNonce, key, o => o.RequireNonce = true)).Error);
        Assert.True((await Verify(SignedText(key, new SignatureParameters { Nonce = "abc" }), key, o => o.RequireNonce = true)).Succeeded);
    }

    [Fact]
    public async Task Missing_required_components_are_invalid_input_with_the_list()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters(), [SignatureComponent.Method]);
        var result = await Verify(text, key, o =>
        {
            o.RequiredComponents.Add(SignatureComponent.Method);
            o.RequiredComponents.Add(SignatureComponent.Authority);
            o.RequiredComponents.Add(SignatureComponent.Field("content-digest"));
        });
        Assert.Equal(SignatureError.InvalidInput, result.Error);
        Assert.Equal("invalid_input", result.ErrorCode);
        Assert.Equal([SignatureComponent.Authority, SignatureComponent.Field("content-digest")], result.MissingComponents);
        Assert.Equal(3, result.RequiredComponents.Count);
    }

    [Fact]
    public async Task Query_must_be_covered_when_required_and_present()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters());
        Assert.True((await Verify(text, key)).Succeeded);
        var result = await Verify(text, key, o => o.RequireQueryWhenPresent = true);
        Assert.Equal(SignatureError.InvalidInput, result.Error);
        Assert.Equal([SignatureComponent.Query], result.MissingComponents);
        var covered = SignedText(key, new SignatureParameters(), [SignatureComponent.Method, SignatureComponent.TargetUri]);
        Assert.True((await Verify(covered, key, o => o.RequireQueryWhenPresent = true)).Succeeded);
    }

    [Fact]
    public async Task Alg_parameter_must_confirm_the_key()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters { IncludeAlgorithm = true });
        Assert.True((await Verify(text, key)).Succeeded);

        var wrong = text.Replace("alg=\"ecdsa-p256-sha256\"", "alg=\"ed25519\"", StringComparison.Ordinal);
        var result = await Verify(wrong, key);
        Assert.Equal(SignatureError.UnsupportedAlgorithm, result.Error);
        Assert.Equal("unsupported_algorithm", result.ErrorCode);

        var unknown = text.Replace("alg=\"ecdsa-p256-sha256\"", "alg=\"rsa-sha1\"", StringComparison.Ordinal);
        Assert.Equal(SignatureError.UnsupportedAlgorithm, (await Verify(unknown, key)).Error);

        var notAllowed = await Verify(text, key, o =>
        {
            o.AllowedAlgorithms.Clear();
            o.AllowedAlgorithms.Add(HttpSignatureAlgorithms.Ed25519);
        });
        Assert.Equal(SignatureError.UnsupportedAlgorithm, notAllowed.Error);
    }

    [Fact]
    public async Task Hmac_is_refused_unless_allowed()
    {
        var secret = SignatureKey.GenerateHmacSha256("k1");
        var text = SignedText(secret, new SignatureParameters());
        Assert.Equal(SignatureError.UnsupportedAlgorithm, (await Verify(text, secret)).Error);
        Assert.True((await Verify(text, secret, o => o.AllowHmac = true)).Succeeded);

        // An attacker picking HMAC against a public-key store: the alg parameter cannot switch the key's algorithm.
        var ed = SignatureKey.GenerateEd25519("k1");
        var edText = SignedText(ed, new SignatureParameters());
        var forged = edText.Replace(";keyid=\"k1\"", ";keyid=\"k1\";alg=\"hmac-sha256\"", StringComparison.Ordinal);
        Assert.Equal(SignatureError.UnsupportedAlgorithm, (await Verify(forged, ed)).Error);
        Assert.Equal(SignatureError.UnsupportedAlgorithm, (await Verify(forged, ed, o => o.AllowHmac = true)).Error);
    }

    [Fact]
    public async Task Der_encoded_ecdsa_is_rejected()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = SignatureKey.FromEcdsa(ecdsa, "k1");
        var text = SignedText(key, new SignatureParameters());
        var line = text.Split('\n').Single(l => l.StartsWith("Signature:", StringComparison.Ordinal));
        var raw = Convert.FromBase64String(line[(line.IndexOf(':', 11) + 1)..^1]);
        Assert.Equal(64, raw.Length);
        var der = ConvertToDer(raw);
        var derText = text.Replace(Convert.ToBase64String(raw), Convert.ToBase64String(der), StringComparison.Ordinal);
        var result = await Verify(derText, key);
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
        Assert.Equal("The signature does not verify.", result.Reason);
    }

    [Fact]
    public async Task Unknown_and_invalid_keys()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters { KeyId = "other" });
        var unknown = await Verify(text, key);
        Assert.Equal(SignatureError.UnknownKey, unknown.Error);
        Assert.Equal("unknown_key", unknown.ErrorCode);

        var resolver = new TestKeyResolver { Forced = SignatureKeyResolution.Invalid("revoked") };
        var invalid = await new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions(), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)))
            .VerifyAsync(Parse(text), SignatureSelection.OnlySignature, resolver);
        Assert.Equal(SignatureError.InvalidKey, invalid.Error);
        Assert.Equal("revoked", invalid.Reason);
    }

    [Fact]
    public async Task Selection_by_label_and_tag()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters { Tag = "web-bot-auth" }, label: "agent");
        Assert.True((await Verify(text, key, selection: SignatureSelection.ByTag("web-bot-auth"))).Succeeded);
        Assert.True((await Verify(text, key, selection: SignatureSelection.ByLabel("agent"))).Succeeded);
        Assert.Equal(SignatureError.InvalidSignature, (await Verify(text, key, selection: SignatureSelection.ByTag("other"))).Error);
        Assert.Equal(SignatureError.InvalidSignature, (await Verify(text, key, selection: SignatureSelection.ByLabel("sig1"))).Error);
    }

    [Fact]
    public async Task Components_that_fail_in_the_base_are_reported_without_key_use()
    {
        var key = SignatureKey.GenerateEcdsaP256("k1");
        var text = SignedText(key, new SignatureParameters(), [SignatureComponent.Method, SignatureComponent.Field("date")]);
        var missing = text.Replace("Date: x\n", string.Empty, StringComparison.Ordinal);
        var result = await Verify(missing, key);
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
        Assert.Equal(ComponentError.MissingField, result.ComponentError);

        var duplicate = text.Replace("(\"@method\" \"date\")", "(\"@method\" \"date\" \"@method\")", StringComparison.Ordinal);
        var dup = await Verify(duplicate, key);
        Assert.Equal(ComponentError.DuplicateComponent, dup.ComponentError);
    }

    [Fact]
    public void Options_are_validated_with_the_option_name()
    {
        var options = new HttpSignatureVerifierOptions { MaxAge = TimeSpan.Zero };
        var error = Assert.Throws<ArgumentException>(() => new HttpMessageSignatureVerifier(options));
        Assert.Contains("MaxAge", error.Message, StringComparison.Ordinal);
        options = new HttpSignatureVerifierOptions();
        options.AllowedAlgorithms.Add("rsa-sha1");
        Assert.Contains("AllowedAlgorithms", Assert.Throws<ArgumentException>(() => new HttpMessageSignatureVerifier(options)).Message, StringComparison.Ordinal);
    }

    private static byte[] ConvertToDer(byte[] p1363)
    {
        static byte[] Integer(ReadOnlySpan<byte> value)
        {
            var trimmed = value.TrimStart((byte)0).ToArray();
            var body = trimmed.Length > 0 && trimmed[0] >= 0x80 ? [0, .. trimmed] : trimmed;
            return [0x02, (byte)body.Length, .. body];
        }
        byte[] content = [.. Integer(p1363.AsSpan(0, 32)), .. Integer(p1363.AsSpan(32, 32))];
        return [0x30, (byte)content.Length, .. content];
    }
}
