using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>
/// The verifier's three compatibility options (issue 18, set only by the ASP.NET Core LumoAuth profile): off by default
/// the deviations are refused; on, exactly the deviation is accepted and nothing looser.
/// </summary>
public sealed class CompatibilityOptionsTests
{
    private const long Now = 1_750_000_000;
    private const string Request = "GET /items?id=7 HTTP/1.1\nHost: api.example.com\n\n";

    private static string Signed(SignatureKey key, string signatureInput, string signatureBase, bool base64Url = false, string? extraHeaders = null)
    {
        var buffer = new byte[128];
        Assert.True(key.TrySign(Encoding.ASCII.GetBytes(signatureBase), buffer, out var written));
        var value = Convert.ToBase64String(buffer, 0, written);
        if (base64Url)
        {
            value = value.Replace('+', '-').Replace('/', '_').TrimEnd('=');
        }
        return Request.Replace("\n\n", "\n" + (extraHeaders ?? string.Empty) + "Signature-Input: sig1=" + signatureInput + "\nSignature: sig1=:" + value + ":\n\n", StringComparison.Ordinal);
    }

    private static Task<SignatureVerificationResult> Verify(string text, SignatureKey key, Action<HttpSignatureVerifierOptions>? configure = null)
    {
        Assert.True(RawHttpMessage.TryParse(text, "https", null, out var message));
        var options = new HttpSignatureVerifierOptions();
        configure?.Invoke(options);
        return new HttpMessageSignatureVerifier(options, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)))
            .VerifyAsync(message!, default, new TestKeyResolver(("k1", key))).AsTask();
    }

    private const string Params = "(\"@method\" \"@authority\" \"@path\");created=1750000000;keyid=\"k1\"";
    private const string Lines = "\"@method\": GET\n\"@authority\": api.example.com\n\"@path\": /items";

    [Fact]
    public async Task Base64url_signature_is_refused_by_default_and_accepted_with_the_option()
    {
        // Ed25519 signatures are deterministic (RFC 8032 §5.1.6): the same key signs the same base to the same value, so
        // a new key is drawn until the value has a base64url-only character and the option is really exercised (with one
        // key only, about one run in fifteen looped forever).
        SignatureKey key;
        string text;
        while (true)
        {
            key = SignatureKey.GenerateEd25519("k1");
            text = Signed(key, Params, Lines + "\n\"@signature-params\": " + Params, base64Url: true);
            if (text.Split('\n').Single(l => l.StartsWith("Signature:", StringComparison.Ordinal)).IndexOfAny(['-', '_']) >= 0)
            {
                break;
            }
            key.Dispose();
        }
        using var _ = key;
        Assert.False((await Verify(text, key)).Succeeded);
        Assert.True((await Verify(text, key, o => o.AcceptBase64UrlSignature = true)).Succeeded);
        // The standard alphabet still verifies with the option on.
        Assert.True((await Verify(Signed(key, Params, Lines + "\n\"@signature-params\": " + Params), key, o => o.AcceptBase64UrlSignature = true)).Succeeded);
    }

    [Theory]
    [InlineData("sig1=:ab-_:", "sig1=:ab+/:")]
    [InlineData("sig-1=:ab-c:, sig_2=:d_e:", "sig-1=:ab+c:, sig_2=:d/e:")]
    [InlineData("sig1=:a-b:;x=\"a-b:c_d\"", "sig1=:a+b:;x=\"a-b:c_d\"")]
    [InlineData("sig1=:abc+:", "sig1=:abc+:")]
    public void Base64url_normalization_touches_byte_sequences_only(string header, string expected)
    {
        Assert.True(Base64UrlSignatureValues.TryNormalize(header, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("sig1=:ab-c+d:")]
    [InlineData("sig1=:ab_c/d:")]
    public void A_byte_sequence_mixing_both_alphabets_is_refused(string header) =>
        Assert.False(Base64UrlSignatureValues.TryNormalize(header, out _));

    [Fact]
    public async Task Absent_listed_field_is_signed_as_empty_only_with_the_option_and_only_as_a_plain_identifier()
    {
        using var key = SignatureKey.GenerateEd25519("k1");
        const string input = "(\"@method\" \"@authority\" \"@path\" \"signature-key\");created=1750000000;keyid=\"k1\"";
        var text = Signed(key, input, Lines + "\n\"signature-key\": \n\"@signature-params\": " + input);
        Assert.Equal(ComponentError.MissingField, (await Verify(text, key)).ComponentError);
        Assert.True((await Verify(text, key, o => o.AbsentFieldsSignedAsEmpty.Add("signature-key"))).Succeeded);
        // Another absent field is still missing.
        Assert.False((await Verify(text, key, o => o.AbsentFieldsSignedAsEmpty.Add("signature-agent"))).Succeeded);

        const string sfInput = "(\"@method\" \"@authority\" \"@path\" \"signature-key\";sf);created=1750000000;keyid=\"k1\"";
        var sf = Signed(key, sfInput, Lines + "\n\"signature-key\";sf: \n\"@signature-params\": " + sfInput);
        var sfResult = await Verify(sf, key, o => o.AbsentFieldsSignedAsEmpty.Add("signature-key"));
        Assert.Equal(ComponentError.MissingField, sfResult.ComponentError);

        // A field that is present is signed as it is: the empty value no longer verifies.
        var present = Signed(key, input, Lines + "\n\"signature-key\": \n\"@signature-params\": " + input, extraHeaders: "Signature-Key: sig=hwk\n");
        Assert.False((await Verify(present, key, o => o.AbsentFieldsSignedAsEmpty.Add("signature-key"))).Succeeded);
    }

    [Fact]
    public async Task Covered_lines_only_base_needs_the_option()
    {
        using var key = SignatureKey.GenerateEd25519("k1");
        var text = Signed(key, Params, Lines);
        Assert.False((await Verify(text, key)).Succeeded);
        Assert.True((await Verify(text, key, o => o.OmitSignatureParamsLine = true)).Succeeded);
        // With the option, an RFC 9421 base (with the params line) does not verify.
        Assert.False((await Verify(Signed(key, Params, Lines + "\n\"@signature-params\": " + Params), key, o => o.OmitSignatureParamsLine = true)).Succeeded);
    }

    [Theory]
    [InlineData("@method")]
    [InlineData("signature")]
    [InlineData("Content-Type")]
    [InlineData("")]
    public void AbsentFieldsSignedAsEmpty_entries_are_validated(string field)
    {
        var options = new HttpSignatureVerifierOptions();
        options.AbsentFieldsSignedAsEmpty.Add(field);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("AbsentFieldsSignedAsEmpty", error.Message, StringComparison.Ordinal);
    }
}
