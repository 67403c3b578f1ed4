using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>
/// <see cref="HttpSignatureVerifierOptions.RequireExpires"/> and <see cref="HttpSignatureVerifierOptions.MaxValidity"/>:
/// profiles that bound every signature's declared lifetime (Web Bot Auth) are enforced in the verifier's one time check.
/// </summary>
public sealed class VerifierLifetimePolicyTests
{
    private const long Now = 1_750_000_000;
    private const string Request = "GET /items HTTP/1.1\nHost: api.example.com\n\n";

    private static RawHttpMessage Parse(string text)
    {
        Assert.True(RawHttpMessage.TryParse(text, "https", null, out var message));
        return message!;
    }

    private static string SignedText(SignatureKey key, SignatureParameters parameters)
    {
        var headers = new HttpMessageSigner(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)))
            .Sign(Parse(Request), "sig1", [SignatureComponent.Authority], parameters, key);
        return Request.Replace("\n\n", "\nSignature-Input: " + headers.SignatureInput + "\nSignature: " + headers.Signature + "\n\n", StringComparison.Ordinal);
    }

    private static Task<SignatureVerificationResult> Verify(string text, SignatureKey key, Action<HttpSignatureVerifierOptions> configure, long now = Now)
    {
        var options = new HttpSignatureVerifierOptions();
        configure(options);
        return new HttpMessageSignatureVerifier(options, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(now)))
            .VerifyAsync(Parse(text), default, new TestKeyResolver(("k1", key))).AsTask();
    }

    [Fact]
    public async Task A_signature_without_expires_is_refused_only_when_expires_is_required()
    {
        using var key = SignatureKey.GenerateEd25519("k1");
        var text = SignedText(key, new SignatureParameters());

        Assert.True((await Verify(text, key, _ => { })).Succeeded);
        var refused = await Verify(text, key, o => o.RequireExpires = true);
        Assert.Equal(SignatureError.InvalidSignature, refused.Error);
        Assert.Equal("The signature has no expires parameter.", refused.Reason);
        Assert.False(refused.KeyResolved);

        Assert.True((await Verify(SignedText(key, new SignatureParameters { Expires = DateTimeOffset.FromUnixTimeSeconds(Now + 60) }), key,
            o => o.RequireExpires = true)).Succeeded);
    }

    [Fact]
    public async Task A_declared_lifetime_longer_than_MaxValidity_is_refused_even_inside_its_window()
    {
        using var key = SignatureKey.GenerateEd25519("k1");
        var exact = SignedText(key, new SignatureParameters { Expires = DateTimeOffset.FromUnixTimeSeconds(Now + 300) });
        var longer = SignedText(key, new SignatureParameters { Expires = DateTimeOffset.FromUnixTimeSeconds(Now + 301) });

        Assert.True((await Verify(exact, key, o => o.MaxValidity = TimeSpan.FromMinutes(5))).Succeeded);
        var refused = await Verify(longer, key, o => o.MaxValidity = TimeSpan.FromMinutes(5));
        Assert.Equal(SignatureError.InvalidSignature, refused.Error);
        Assert.Contains("lifetime", refused.Reason, StringComparison.Ordinal);
        Assert.True((await Verify(longer, key, _ => { })).Succeeded);
    }

    [Fact]
    public void A_non_positive_MaxValidity_is_refused_naming_the_option()
    {
        var options = new HttpSignatureVerifierOptions { MaxValidity = TimeSpan.Zero };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("HttpSignatureVerifierOptions.MaxValidity", error.Message, StringComparison.Ordinal);
    }
}
