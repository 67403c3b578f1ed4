using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.StructuredFields;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>
/// Issue 24 through the public signer and verifier: an <c>sf</c>-covered dictionary must canonicalize as RFC 9651 parses
/// it (a repeated key takes its last value), a field the <c>sf</c>/<c>key</c> paths canonicalize is bounded by
/// <see cref="HttpSignatureVerifierOptions.MaxStructuredFieldLength"/>, and a repeated <c>Signature-Input</c> label is
/// refused wherever it occurs.
/// </summary>
public sealed class StructuredFieldComponentAttackTests
{
    private const long Now = 1_750_000_000;
    private static readonly SignatureKey s_key = SignatureKey.GenerateEd25519("k1");

    private static string Request(params string[] exampleDictLines)
    {
        var text = new StringBuilder("GET /data HTTP/1.1\nHost: api.example\n");
        foreach (var line in exampleDictLines)
        {
            text.Append("Example-Dict: ").Append(line).Append('\n');
        }
        return text.Append('\n').ToString();
    }

    private static RawHttpMessage Parse(string text)
    {
        Assert.True(RawHttpMessage.TryParse(text, "https", null, out var message));
        return message!;
    }

    private static string Sign(string text, SignatureComponent component)
    {
        var headers = new HttpMessageSigner(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)), [new("example-dict", StructuredFieldType.Dictionary)])
            .Sign(Parse(text), "sig1", [SignatureComponent.Method, SignatureComponent.Path, component], new SignatureParameters(), s_key);
        return text.Replace("\n\n", "\nSignature-Input: " + headers.SignatureInput + "\nSignature: " + headers.Signature + "\n\n", StringComparison.Ordinal);
    }

    private static ValueTask<SignatureVerificationResult> VerifyAsync(string text, TestKeyResolver? resolver = null, int? maxStructuredFieldLength = null)
    {
        var options = new HttpSignatureVerifierOptions { StructuredFields = { ["example-dict"] = StructuredFieldType.Dictionary } };
        if (maxStructuredFieldLength is { } max)
        {
            options.MaxStructuredFieldLength = max;
        }
        return new HttpMessageSignatureVerifier(options, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)))
            .VerifyAsync(Parse(text), SignatureSelection.OnlySignature, resolver ?? new TestKeyResolver(("k1", s_key)));
    }

    [Fact]
    public async Task Appended_duplicate_key_breaks_an_sf_signature()
    {
        var signed = Sign(Request("a=1, b=2"), SignatureComponent.Field("example-dict").WithStructuredField());
        var intact = await VerifyAsync(signed);
        Assert.True(intact.Succeeded, intact.ToString());

        // An intermediary-style second field line: the application (RFC 9651 §4.2.2) now reads a=666.
        var tampered = signed.Replace("Example-Dict: a=1, b=2\n", "Example-Dict: a=1, b=2\nExample-Dict: a=666\n", StringComparison.Ordinal);
        Assert.True(StructuredFieldParser.TryParseDictionary("a=1, b=2, a=666", out var seen, out _));
        Assert.True(seen.TryGetValue("a", out var a) && ((SfItem)a).BareItem.IntegerValue == 666);

        var result = await VerifyAsync(tampered);
        Assert.False(result.Succeeded, "a signature over a=1 must not cover a field whose a is 666");
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
        Assert.Contains("does not verify", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appended_duplicate_key_breaks_a_key_signature()
    {
        var signed = Sign(Request("a=1, b=2"), SignatureComponent.DictionaryMember("example-dict", "a"));
        Assert.True((await VerifyAsync(signed)).Succeeded);
        var tampered = signed.Replace("Example-Dict: a=1, b=2\n", "Example-Dict: a=1, b=2\nExample-Dict: a=666\n", StringComparison.Ordinal);
        var result = await VerifyAsync(tampered);
        Assert.False(result.Succeeded);
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
    }

    [Fact]
    public async Task A_signature_over_the_deduplicated_value_still_verifies()
    {
        // Signed over a field that already repeats a key: both sides canonicalize to "a=3, b=2".
        var signed = Sign(Request("a=1, b=2", "a=3"), SignatureComponent.Field("example-dict").WithStructuredField());
        var result = await VerifyAsync(signed);
        Assert.True(result.Succeeded, result.ToString());
        var rewritten = signed.Replace("Example-Dict: a=1, b=2\nExample-Dict: a=3\n", "Example-Dict: a=3,b=2\n", StringComparison.Ordinal);
        Assert.True((await VerifyAsync(rewritten)).Succeeded, "the canonical form of the same dictionary must verify the same signature");
    }

    /// <summary>A dictionary of exactly <paramref name="length"/> characters: many small members, then one string member as padding.</summary>
    private static string LargeDictionary(int length)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length + 16 < length; i++)
        {
            text.Append('k').Append(i).Append("=1, ");
        }
        text.Append("z=\"");
        return text.Append('x', length - text.Length - 1).Append('"').ToString();
    }

    [Theory]
    [InlineData(null, 16 * 1024)]
    [InlineData(1024, 1024)]
    public async Task MaxStructuredFieldLength_bounds_the_sf_path(int? limit, int max)
    {
        var fits = Sign(Request(LargeDictionary(max)), SignatureComponent.Field("example-dict").WithStructuredField());
        var accepted = await VerifyAsync(fits, maxStructuredFieldLength: limit);
        Assert.True(accepted.Succeeded, accepted.ToString());

        // One character more: refused before the key is resolved, whatever the signature.
        var tooLong = Sign(Request(LargeDictionary(max + 1)), SignatureComponent.Field("example-dict").WithStructuredField());
        var resolver = new TestKeyResolver(("k1", s_key));
        var refused = await VerifyAsync(tooLong, resolver, limit);
        Assert.Equal(SignatureError.InvalidSignature, refused.Error);
        Assert.Equal(ComponentError.StructuredFieldTooLarge, refused.ComponentError);
        Assert.Contains("MaxStructuredFieldLength", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(0, resolver.Calls);
    }

    [Fact]
    public async Task MaxStructuredFieldLength_bounds_the_key_path_and_counts_all_field_lines()
    {
        var half = LargeDictionary(600);
        var signed = Sign(Request(half, "a=1"), SignatureComponent.DictionaryMember("example-dict", "a"));
        Assert.True((await VerifyAsync(signed, maxStructuredFieldLength: 605)).Succeeded);
        var refused = await VerifyAsync(signed, maxStructuredFieldLength: 604);
        Assert.Equal(ComponentError.StructuredFieldTooLarge, refused.ComponentError);
    }

    [Fact]
    public void MaxStructuredFieldLength_is_validated()
    {
        var error = Assert.Throws<ArgumentException>(() => new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions { MaxStructuredFieldLength = 15 }));
        Assert.Contains("MaxStructuredFieldLength", error.Message, StringComparison.Ordinal);
        Assert.Equal(16 * 1024, new HttpSignatureVerifierOptions().MaxStructuredFieldLength);
    }

    [Theory]
    [InlineData("sig1=(), sig1=()")]
    [InlineData("sig1=(), sig2=(), sig3=(), sig4=(), sig5=(), sig6=(), sig7=(), sig1=()")]
    [InlineData("a=(), b=(), c=(), b=()")]
    public void A_repeated_label_is_refused_wherever_it_occurs(string input)
    {
        Assert.False(SignatureInputParser.TryParse(input, SignatureInputLimits.Default, 0, static (_, _) => false, out _, out _, out _, out _, out var reason));
        Assert.Equal("Signature-Input repeats a label.", reason);
    }

    [Fact]
    public void Distinct_labels_up_to_MaxSignatures_parse()
    {
        var input = string.Join(", ", Enumerable.Range(1, 8).Select(i => "sig" + i + "=()"));
        Assert.True(SignatureInputParser.TryParse(input, SignatureInputLimits.Default, 0, static (_, _) => false, out _, out _, out var count, out _, out var reason), reason);
        Assert.Equal(8, count);
        var many = string.Join(", ", Enumerable.Range(1, 500).Select(i => "s" + i + "=()"));
        Assert.True(SignatureInputParser.TryParse(many, new SignatureInputLimits(500, 32, 8, 8192), 0, static (_, _) => false, out _, out _, out count, out _, out reason), reason);
        Assert.Equal(500, count);
    }
}
