using AgentAuth.HttpSignatures.StructuredFields;
using FsCheck;
using FsCheck.Fluent;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

/// <summary>
/// FsCheck property: for any field value, the <c>sf</c> component path (RFC 9421 §2.1.1) gives exactly the object model's
/// canonical serialization (RFC 9651 §4.1), and refuses exactly what the object model refuses; the <c>key</c> path gives
/// the object model's serialization of the member. Values are generated as structured-field text with few distinct
/// keys, so repeated dictionary and parameter keys are common, then cut into field lines and mutated.
/// </summary>
public sealed class SfComponentPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(3000);

    private static readonly string[] s_headerTypes = ["item", "list", "dictionary"];

    // Few keys, so that duplicates (the case RFC 9651 §4.2.2 step 2.4 and §4.2.3.2 step 2.5 resolve) occur in most values.
    private static Gen<string> Key() => Gen.Elements("a", "b", "c", "*x", "a-1", "b.2");

    private static Gen<string> Ows() => Gen.Elements("", "", "", " ", "  ", "\t", " \t");

    private static Gen<string> BareItem() => Gen.OneOf(
        Gen.Elements("0", "1", "-0", "042", "-999999999999999", "999999999999999", "1000000000000000", "1.5", "-0.0", "1.500",
            "123456789012.123", "1.2345", "1.", "--1"),
        Gen.Elements("\"\"", "\"x y\"", "\"q\\\"\"", "\"b\\\\\"", "\"bad\\n\"", "\"open"),
        Gen.Elements("tok", "*t", "T/1:2", "a!#$%&'*+-.^_`|~"),
        Gen.Elements("::", ":YQ==:", ":YQ:", ":YWI=:", ":YWI:", ":YWJj:", ":Y:", ":YQ=:", ":@@:"),
        Gen.Elements("?1", "?0", "?2"),
        Gen.Elements("@0", "@-1", "@1659578233", "@1.5"),
        Gen.Elements("%\"\"", "%\"caf%c3%a9\"", "%\"%22%25\"", "%\"%C3%A9\"", "%\"%c3\"", "%\"a%\""));

    private static Gen<string> Parameters() =>
        // Up to 8 keys are compared pairwise, more go through a hash table, more than 16 parameters are read twice: reach all three.
        from n in Gen.Frequency((6, Gen.Constant(0)), (8, Gen.Choose(1, 4)), (1, Gen.Choose(9, 20)))
        from parts in Gen.ArrayOf(
            from key in Key()
            from space in Gen.Elements("", "", " ")
            from value in Gen.Frequency((1, Gen.Constant("")), (3, BareItem().Select(v => "=" + v)))
            select ";" + space + key + value, n)
        select string.Concat(parts);

    private static Gen<string> Item() =>
        from bare in BareItem()
        from parameters in Parameters()
        select bare + parameters;

    private static Gen<string> Member() => Gen.Frequency(
        (3, Item()),
        (1, from n in Gen.Choose(0, 3)
            from items in Gen.ArrayOf(Item(), n)
            from leading in Gen.Elements("", " ")
            from parameters in Parameters()
            select "(" + leading + string.Join(" ", items) + ")" + parameters));

    private static Gen<string> DictionaryMember() =>
        from key in Key()
        from value in Gen.Frequency((1, Parameters()), (4, Member().Select(m => "=" + m)))
        select key + value;

    private static Gen<string> Members(Gen<string> member) =>
        from n in Gen.Frequency((4, Gen.Choose(1, 6)), (1, Gen.Choose(9, 24)))
        from members in Gen.ArrayOf(member, n)
        from ows in Ows()
        select string.Join("," + ows, members);

    /// <summary>A value mutated at one place with a character that drives the grammar, to reach refusals near valid input.</summary>
    private static Gen<string> Mutated(Gen<string> value) =>
        from text in value
        from at in Gen.Choose(0, 1000)
        from c in Gen.Elements(',', ';', '=', '(', ')', '"', ' ', '\t', ':', '?', '%', 'A', '-', '.')
        from mode in Gen.Choose(0, 2)
        let i = text.Length == 0 ? 0 : at % text.Length
        select mode switch
        {
            0 => text.Insert(i, c.ToString()),
            1 => text.Length == 0 ? text : text.Remove(i, 1),
            _ => text,
        };

    private static Gen<(string HeaderType, string[] Lines)> Field() =>
        from headerType in Gen.Elements(s_headerTypes)
        from text in Gen.Frequency(
            (4, headerType switch
            {
                "item" => Item(),
                "list" => Members(Member()),
                _ => Members(DictionaryMember()),
            }),
            (2, Mutated(headerType == "item" ? Item() : headerType == "list" ? Members(Member()) : Members(DictionaryMember()))),
            (1, Gen.Constant("")))
        from split in Gen.Elements(true, false)
        select (headerType, split ? SplitLines(text) : [FieldValue(text)]);

    // A field value has no leading or trailing whitespace (RFC 9110 §5.5): HTTP strips it before the value reaches either path.
    private static string FieldValue(string text) => text.Trim(' ', '\t');

    /// <summary>Cuts a value at every top-level ", " into separate field lines, as an intermediary may send them (RFC 9110 §5.3).</summary>
    private static string[] SplitLines(string text)
    {
        var parts = text.Split(", ");
        return parts.Select(FieldValue).ToArray();
    }

    [Fact]
    public void Sf_path_equals_the_object_models_canonical_serialization()
    {
        Prop.ForAll(Field().ToArbitrary(), field =>
        {
            var (headerType, lines) = field;
            var joined = string.Join(", ", lines);
            var expected = SfComponentPath.ObjectModel(headerType, joined, out var dictionary);
            var ok = SfComponentPath.TrySf(headerType, lines, out var value, out var error);
            Assert.True(ok == expected is not null,
                $"{headerType} '{joined}': object model {(expected is null ? "refuses" : "gives '" + expected + "'")}, sf path {(ok ? "gives '" + value + "'" : "refuses (" + error + ")")}");
            Assert.Equal(expected, value);
            if (!ok)
            {
                Assert.Equal(ComponentError.InvalidStructuredField, error);
            }
            if (headerType != "dictionary")
            {
                return;
            }
            foreach (var key in new[] { "a", "b", "c", "*x", "a-1", "b.2" })
            {
                var keyOk = SfComponentPath.TryKey(key, lines, out var member, out var keyError);
                if (dictionary is null)
                {
                    Assert.False(keyOk, $"key=\"{key}\" of '{joined}' gave '{member}' though the field does not parse");
                    Assert.Equal(ComponentError.InvalidStructuredField, keyError);
                }
                else if (dictionary.TryGetValue(key, out var expectedMember))
                {
                    Assert.True(keyOk, $"key=\"{key}\" of '{joined}': {keyError}");
                    Assert.Equal(SfComponentPath.Member(expectedMember), member);
                }
                else
                {
                    Assert.False(keyOk);
                    Assert.Equal(ComponentError.DictionaryMemberMissing, keyError);
                }
            }
        }).Check(s_config);
    }

    [Theory]
    [InlineData("dictionary", "a=1, a=2", "a=2")]
    [InlineData("dictionary", "a=1, b=2, a=3", "a=3, b=2")]
    [InlineData("dictionary", "a, a=1", "a=1")]
    [InlineData("dictionary", "a=1, a", "a")]
    [InlineData("dictionary", "a=1;x=1;x=2;y, b, a=(1 2);x;x=?0", "a=(1 2);x=?0, b")]
    [InlineData("list", "1;a=1;b;a=2, (x;p=1;p=2);q;q=:YQ:", "1;a=2;b, (x;p=2);q=:YQ==:")]
    [InlineData("item", "tok;a=1;b=2;a=3;b", "tok;a=3;b")]
    [InlineData("item", "1;a;b;c;d;e;f;g;h;i;a=2;j;k;l;m;n;o;p;q;r;s;b=?0", "1;a=2;b=?0;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s")]
    [InlineData("dictionary", "a, b, c, d, e, f, g, h, i, j, a=1, k, j=2", "a=1, b, c, d, e, f, g, h, i, j=2, k")]
    public void Repeated_keys_keep_the_first_position_and_the_last_value(string headerType, string value, string canonical)
    {
        Assert.True(SfComponentPath.TrySf(headerType, [value], out var written, out var error), error.ToString());
        Assert.Equal(canonical, written);
        Assert.Equal(canonical, SfComponentPath.ObjectModel(headerType, value, out _));
    }
}
