using System.Text;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 24 through the real scheme (the authentication handler in <see cref="SecurityApp"/>): a field covered with
/// <c>;sf</c> is canonicalized exactly as RFC 9651 parses it, so an appended duplicate dictionary key breaks the
/// signature; and the field the <c>;sf</c>/<c>;key</c> paths canonicalize is bounded by
/// <c>Signatures.Limits.MaxStructuredFieldLength</c> (docs/security.md, "Structured-field components").
/// </summary>
/// <remarks>
/// The scheme knows the registered structured fields only, so the dictionary here is <c>Priority</c> (RFC 9218, a
/// registered dictionary) rather than the issue's <c>Example-Dict</c>; the signer and verifier test with
/// <c>Example-Dict</c> itself is in AgentAuth.HttpSignatures.Tests.
/// </remarks>
public sealed class StructuredFieldAttackTests
{
    private static TestRequest SignedOver(string priority, SignatureComponent covered)
    {
        var request = TestRequest.Get().Set("priority", priority);
        return request.Sign(SecurityApp.AgentKey, components: [.. TestRequest.DefaultComponents(request), covered]);
    }

    private static void AssertInvalidSignature(SecurityResponse response)
    {
        Assert.True(response.Status == 401, response.ToString());
        Assert.Equal("error=invalid_signature", response.SignatureError);
    }

    private static string[] Failures(SecurityApp app) =>
        app.Logs.Events.Where(e => e.Id.Name == "AuthenticationFailed").Select(e => e.Message).ToArray();

    [Fact]
    public async Task Appended_duplicate_dictionary_key_does_not_survive_an_sf_signature()
    {
        await using var app = SecurityApp.Create();
        var request = SignedOver("u=1, i", SignatureComponent.Field("priority").WithStructuredField());
        var intact = await app.SendAsync(request);
        Assert.True(intact.Status == 200, intact.ToString());

        // A second field line appended in transit: the application, like every RFC 9651 parser, now reads u=7.
        var tampered = request.Clone().Add("priority", "u=7");
        Assert.True(StructuredFieldParser.TryParseDictionary("u=1, i, u=7", out var seen, out _));
        Assert.Equal(7, ((SfItem)(seen.TryGetValue("u", out var u) ? u : null)!).BareItem.IntegerValue);

        AssertInvalidSignature(await app.SendAsync(tampered));
        Assert.Contains(Failures(app), m => m.Contains("does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Appended_duplicate_dictionary_key_does_not_survive_a_key_signature()
    {
        await using var app = SecurityApp.Create();
        var request = SignedOver("u=1, i", SignatureComponent.DictionaryMember("priority", "u"));
        Assert.Equal(200, (await app.SendAsync(request)).Status);
        AssertInvalidSignature(await app.SendAsync(request.Clone().Add("priority", "u=7")));
    }

    [Fact]
    public async Task Reordered_or_respaced_lines_of_the_same_dictionary_still_verify()
    {
        // What sf is for: a proxy may rewrite the field as long as the dictionary is the same (RFC 9421 §2.1.1).
        await using var app = SecurityApp.Create();
        var request = SignedOver("u=1, i, u=3", SignatureComponent.Field("priority").WithStructuredField());
        Assert.Equal(200, (await app.SendAsync(request)).Status);
        var rewritten = request.Clone().Set("priority", "u=3,i");
        var response = await app.SendAsync(rewritten);
        Assert.True(response.Status == 200, response.ToString());
    }

    /// <summary>A <c>Priority</c> value of exactly <paramref name="length"/> characters: many members, then a string as padding.</summary>
    private static string LargePriority(int length)
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
    public async Task MaxStructuredFieldLength(int? limit, int max)
    {
        await using var app = SecurityApp.Create(o =>
        {
            if (limit is { } l)
            {
                o.Signatures.Limits.MaxStructuredFieldLength = l;
            }
        });
        var fits = SignedOver(LargePriority(max), SignatureComponent.Field("priority").WithStructuredField());
        var accepted = await app.SendAsync(fits);
        Assert.True(accepted.Status == 200, accepted.ToString());

        // One character over, validly signed: refused before the field is parsed or a key resolved.
        var tooLong = SignedOver(LargePriority(max + 1), SignatureComponent.Field("priority").WithStructuredField());
        AssertInvalidSignature(await app.SendAsync(tooLong));
        Assert.Contains(Failures(app), m => m.Contains("MaxStructuredFieldLength", StringComparison.Ordinal));

        // The same through key, signed over two field lines that are over the limit only together (joined with ", ").
        var split = TestRequest.Get().Set("priority", LargePriority(max - 4)).Add("priority", "u=1");
        split.Sign(SecurityApp.AgentKey, components: [.. TestRequest.DefaultComponents(split), SignatureComponent.DictionaryMember("priority", "z")]);
        var before = Failures(app).Length;
        AssertInvalidSignature(await app.SendAsync(split));
        Assert.Contains("MaxStructuredFieldLength", Failures(app)[before..].Single(), StringComparison.Ordinal);
        split.Set("priority", LargePriority(max - 5)).Add("priority", "u=1");
        split.Sign(SecurityApp.AgentKey, components: [.. TestRequest.DefaultComponents(split), SignatureComponent.DictionaryMember("priority", "z")]);
        Assert.Equal(200, (await app.SendAsync(split)).Status);
    }

    [Fact]
    public void MaxStructuredFieldLength_default_and_validation()
    {
        Assert.Equal(16384, new AgentAuthOptions().Signatures.Limits.MaxStructuredFieldLength);
        var validator = new AgentAuthOptionsValidator();
        var options = new AgentAuthOptions();
        options.Signatures.Limits.MaxStructuredFieldLength = 15;
        var result = validator.Validate(AgentAuthDefaults.AuthenticationScheme, options);
        Assert.True(result.Failed);
        Assert.Contains("Signatures.Limits.MaxStructuredFieldLength", result.FailureMessage, StringComparison.Ordinal);
    }
}
