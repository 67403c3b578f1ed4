using AgentAuth.HttpSignatures.StructuredFields;
using FsCheck;
using FsCheck.Fluent;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

/// <summary>
/// The <c>@signature-params</c> shortcut: a member recognised as canonical is copied as received, so the check must never
/// accept text that the serializer would write differently.
/// </summary>
public sealed class CanonicalInnerListTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(20000);

    [Theory]
    [InlineData("()")]
    [InlineData("(\"@method\" \"@authority\" \"@path\" \"@query\");created=1618884473;keyid=\"test-key-ed25519\"")]
    [InlineData("(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"")]
    [InlineData("(\"@query-param\";name=\"Pet\" \"example-dict\";sf \"example-dict\";key=\"a\" \"@status\";req);created=0;nonce=\"a \\\"b\\\\\"")]
    [InlineData("(\"a\");alg=ed25519;x=?0;y;z=-42;t=*tok/en:1")]
    [InlineData("(?1 ?0 7 -3 tok)")]
    public void Accepts_canonical_text(string member)
    {
        Assert.True(CanonicalInnerList.IsCanonical(member));
        Assert.Equal(member, Serialize(member));
    }

    [Theory]
    [InlineData("( \"a\")", "(\"a\")")]
    [InlineData("(\"a\" )", "(\"a\")")]
    [InlineData("(\"a\"  \"b\")", "(\"a\" \"b\")")]
    [InlineData("(\"a\");created=01", "(\"a\");created=1")]
    [InlineData("(\"a\");created=-0", "(\"a\");created=0")]
    [InlineData("(\"a\");x=?1", "(\"a\");x")]
    [InlineData("(\"a\";sf=?1)", "(\"a\";sf)")]
    [InlineData("(\"a\");x=1;x=2", "(\"a\");x=2")]
    [InlineData("(\"a\");x=1;y=2;x=3", "(\"a\");x=3;y=2")]
    [InlineData("(\"a\"); x=1", "(\"a\");x=1")]
    [InlineData("(\"a\");x=1.50", "(\"a\");x=1.5")]
    [InlineData("(\"a\");x=:AQ==:", "(\"a\");x=:AQ==:")]
    [InlineData("(\"a\");x=@1", "(\"a\");x=@1")]
    public void Leaves_everything_else_to_the_serializer(string member, string canonical)
    {
        Assert.False(CanonicalInnerList.IsCanonical(member));
        Assert.Equal(canonical, Serialize(member));
    }

    [Fact]
    public void Accepted_text_is_always_its_own_serialization()
    {
        // Text built from the grammar with the variations a parser tolerates (spaces, leading zeros, ?1, repeated keys,
        // decimals, byte sequences): whenever the check accepts a member, the serializer must reproduce it exactly.
        Prop.ForAll(Member().ToArbitrary(), member =>
        {
            var serialized = Serialize(member);
            if (serialized is null)
            {
                return true; // not a valid member: the parser rejects it before the base is built
            }
            if (CanonicalInnerList.IsCanonical(member) && serialized != member)
            {
                throw new InvalidOperationException("Accepted '" + member + "' but the serializer writes '" + serialized + "'.");
            }
            return true;
        }).Check(s_config);
    }

    [Fact]
    public void Serializer_output_of_the_covered_forms_is_recognised()
    {
        // Without decimals, byte sequences or dates, what the serializer writes is exactly what the check accepts, so a
        // conforming signer always takes the shortcut.
        Prop.ForAll(Member(simpleValuesOnly: true).ToArbitrary(), member =>
        {
            var serialized = Serialize(member);
            if (serialized is not null && !CanonicalInnerList.IsCanonical(serialized))
            {
                throw new InvalidOperationException("The serializer wrote '" + serialized + "', which the check does not accept.");
            }
            return true;
        }).Check(s_config);
    }

    private static string? Serialize(string member)
    {
        var writer = new SignatureBaseWriter(64, 1 << 16);
        try
        {
            return StructuredFieldComponent.TryWriteMember(ref writer, member, out _)
                ? System.Text.Encoding.ASCII.GetString(writer.Written)
                : null;
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static Gen<string> Member(bool simpleValuesOnly = false) =>
        from open in Spaces(simpleValuesOnly)
        from count in Gen.Choose(0, 4)
        from items in Gen.ArrayOf(Item(simpleValuesOnly), count)
        from separators in Gen.ArrayOf(Gen.Elements(" ", " ", " ", "  "), 4)
        from close in Spaces(simpleValuesOnly)
        from parameters in Parameters(simpleValuesOnly)
        select "(" + open + Join(items, separators, simpleValuesOnly) + close + ")" + parameters;

    private static string Join(IReadOnlyList<string> items, string[] separators, bool single)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                text.Append(single ? " " : separators[i % separators.Length]);
            }
            text.Append(items[i]);
        }
        return text.ToString();
    }

    private static Gen<string> Spaces(bool none) => none ? Gen.Constant(string.Empty) : Gen.Elements(string.Empty, string.Empty, string.Empty, " ");

    private static Gen<string> Item(bool simple) =>
        from value in BareItem(simple, parameterValue: false)
        from parameters in Parameters(simple)
        select value + parameters;

    private static Gen<string> Parameters(bool simple) =>
        from count in Gen.Choose(0, 3)
        from list in Gen.ArrayOf(Parameter(simple), count)
        select string.Concat(list);

    private static Gen<string> Parameter(bool simple) =>
        from space in Spaces(simple)
        from key in Gen.Elements("created", "keyid", "alg", "nonce", "x", "sf", "a-b", "*k", "k1")
        from value in Gen.Frequency(
            (1, Gen.Constant(string.Empty)),
            (4, BareItem(simple, parameterValue: true).Select(v => "=" + v)))
        select ";" + space + key + value;

    private static Gen<string> BareItem(bool simple, bool parameterValue)
    {
        var simpleForms = new[]
        {
            Gen.Elements("\"@method\"", "\"content-digest\"", "\"a b\"", "\"q\\\"x\"", "\"\\\\\"", "\"\""),
            Gen.Elements("0", "7", "1618884473", "-5", "999999999999999"),
            Gen.Elements("tok", "ed25519", "*x", "a:b/c", "Foo"),
            parameterValue ? Gen.Constant("?0") : Gen.Elements("?0", "?1"),
        };
        if (simple)
        {
            return Gen.OneOf(simpleForms);
        }
        return Gen.OneOf([
            .. simpleForms,
            Gen.Elements("00", "01", "-0", "007", "1.5", "1.50", "0.0", "-1.250", "12.345"),
            Gen.Elements(":AQ==:", ":AQ:", "::", ":aGVsbG8=:"),
            Gen.Elements("?1", "@0", "@1700000000", "%\"a\"", "%\"%c3%a9\""),
        ]);
    }
}
