using AgentAuth.HttpSignatures;
using FsCheck;
using FsCheck.Fluent;

namespace AgentAuth.AspNetCore.Tests.WebBotAuth;

/// <summary>
/// <see cref="SignatureAgentHeader"/> on the core's structured-field reader: garbage and small edits of valid fields
/// (both forms) never throw, and whatever is accepted is an https origin that the field really contains.
/// </summary>
public sealed class SignatureAgentHeaderPropertyTests
{
    private static readonly SignatureComponent s_field = SignatureComponent.Field("signature-agent");
    private static readonly SignatureComponent s_member = SignatureComponent.DictionaryMember("signature-agent", "sig1");

    private static readonly string[] s_valid =
    [
        "\"https://bot.example\"",
        "sig1=\"https://bot.example\"",
        "a=(\"x,y\" 1);q=?0, sig1=\"https://bot.example:8443\", b=:AAA=:",
        "sig0=\"https://a.example\", sig1=\"https://bot.example\";p=1",
        "sig1=?1, x=\"q\\\"uote\"",
    ];

    // Characters that matter to the grammar, plus a few outside it.
    private const string Alphabet = "\"\\=;,() \t:?*.-_/sig1abxyz09AZ%@#é\u0000\u007f";

    private static bool NeverThrowsAndAcceptsOnlyAnOriginItContains(string value)
    {
        foreach (var covered in new[] { s_field, s_member })
        {
            var ok = SignatureAgentHeader.TryGetOrigin(value, covered, out var origin, out var error);
            if (ok ? origin is null || error is not null || !origin.StartsWith("https://", StringComparison.Ordinal)
                     || !value.Contains(origin["https://".Length..].Split(':')[0], StringComparison.OrdinalIgnoreCase)
                   : origin is not null || string.IsNullOrEmpty(error))
            {
                return false;
            }
        }
        return true;
    }

    [Fact]
    public void Arbitrary_strings_never_throw()
    {
        Prop.ForAll<string>(value => NeverThrowsAndAcceptsOnlyAnOriginItContains(value ?? string.Empty)).QuickCheckThrowOnFailure();

        var grammar = Gen.Elements(Alphabet.ToCharArray()).ArrayOf().Select(chars => new string(chars));
        Prop.ForAll(grammar.ToArbitrary(), NeverThrowsAndAcceptsOnlyAnOriginItContains).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Edits_of_valid_fields_never_throw()
    {
        // Insert, delete or replace one to three characters of a valid field of either form.
        var edit = Gen.Choose(0, 2).SelectMany(kind => Gen.Choose(0, 1000).SelectMany(at => Gen.Elements(Alphabet.ToCharArray()).Select(c => (kind, at, c))));
        var edited = Gen.Elements(s_valid).SelectMany(field => edit.ArrayOf().Select(edits =>
        {
            var text = field;
            foreach (var (kind, at, c) in edits.Take(3))
            {
                var i = at % (text.Length + 1);
                text = kind switch
                {
                    0 => text.Insert(i, c.ToString()),
                    1 when i < text.Length => text.Remove(i, 1),
                    _ when i < text.Length => string.Concat(text.AsSpan(0, i), c.ToString(), text.AsSpan(i + 1)),
                    _ => text,
                };
            }
            return text;
        }));
        Prop.ForAll(edited.ToArbitrary(), NeverThrowsAndAcceptsOnlyAnOriginItContains).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("sig1=\"https://bot.example\"", "https://bot.example")]
    [InlineData("a=(\"x,y\" 1);q=?0, sig1=\"https://bot.example:8443\", b=:AAA=:", "https://bot.example:8443")]
    [InlineData("sig0=\"https://a.example\", sig1=\"https://bot.example\";p=1", null)] // parameters on the covered member
    [InlineData("sig1=?1, x=\"q\\\"uote\"", null)]                                   // boolean, not a string
    public void The_seed_fields_read_as_expected(string value, string? origin)
    {
        Assert.Equal(origin is not null, SignatureAgentHeader.TryGetOrigin(value, s_member, out var read, out _));
        Assert.Equal(origin, read);
    }
}

/// <summary>The core's <see cref="SignatureAgentField"/> allocates nothing but the value it returns.</summary>
public sealed class SignatureAgentFieldAllocationTests
{
    [Fact]
    public void Reading_either_form_allocates_only_the_returned_value()
    {
        const string Dictionary = "a=(\"x,y\" 1);q=?0, sig1=\"https://bot.example\", b=:AAA=:";
        const string Whole = "\"https://bot.example\"";
        // Warm up (first calls may allocate for JIT and statics).
        Assert.True(SignatureAgentField.TryGetMember(Dictionary, "sig1", out _, out _));
        Assert.True(SignatureAgentField.TryGetString(Whole, out _, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        SignatureAgentField.TryGetMember(Dictionary, "sig1", out var member, out _);
        var afterMember = GC.GetAllocatedBytesForCurrentThread();
        SignatureAgentField.TryGetString(Whole, out var whole, out _);
        var afterWhole = GC.GetAllocatedBytesForCurrentThread();

        // One string of 19 characters: 22 + 2 * 19 bytes, rounded up to 8 on 64-bit, is 64 bytes.
        Assert.Equal("https://bot.example", member);
        Assert.Equal("https://bot.example", whole);
        Assert.Equal(64, afterMember - before);
        Assert.Equal(64, afterWhole - afterMember);
    }
}
