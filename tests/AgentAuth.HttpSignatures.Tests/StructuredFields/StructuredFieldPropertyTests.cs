using AgentAuth.HttpSignatures.StructuredFields;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

/// <summary>FsCheck properties (FsCheck.Xunit <c>[Property]</c>): no input makes a parser throw; parse and serialize reach a fixed point.</summary>
public sealed class StructuredFieldPropertyTests
{
    private const string LcAlpha = "abcdefghijklmnopqrstuvwxyz";
    private const string Alpha = LcAlpha + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";
    private const string KeyChars = LcAlpha + Digits + "_-.*";
    private const string TokenChars = Alpha + Digits + "!#$%&'*+-.^_`|~:/";

    // Characters that drive the grammar, so random strings reach deep parser states.
    private static readonly char[] s_fieldChars =
        "aZ*09-.,;=()\"\\:?@% \t!/+_~<>{}'\u0000\u007f\u00e9\ud800".ToCharArray();

    private static Gen<string> StringFrom(Gen<char> chars, int min, int max) =>
        from n in Gen.Choose(min, max)
        from cs in Gen.ArrayOf(chars, n)
        select new string(cs);

    private static Gen<string> Key() =>
        from first in Gen.Elements((LcAlpha + "*").ToCharArray())
        from rest in StringFrom(Gen.Elements(KeyChars.ToCharArray()), 0, 6)
        select first + rest;

    private static Gen<long> Integer(long max) =>
        from high in Gen.Choose(0, (int)(max / 1_000_000_000))
        from low in Gen.Choose(0, 999_999_999)
        from negative in Gen.Elements(true, false)
        let magnitude = Math.Min(max, (high * 1_000_000_000L) + low)
        select negative ? -magnitude : magnitude;

    private static Gen<SfBareItem> BareItem() => Gen.OneOf(
        Integer(999_999_999_999_999).Select(SfBareItem.FromInteger),
        from whole in Integer(999_999_999_999)
        from fraction in Gen.Choose(0, 999)
        select SfBareItem.FromDecimal(whole + (Math.Sign(whole == 0 ? 1 : whole) * fraction / 1000m)),
        StringFrom(Gen.Choose(0x20, 0x7E).Select(c => (char)c), 0, 12).Select(SfBareItem.FromString),
        from first in Gen.Elements((Alpha + "*").ToCharArray())
        from rest in StringFrom(Gen.Elements(TokenChars.ToCharArray()), 0, 8)
        select SfBareItem.FromToken(first + rest),
        from n in Gen.Choose(0, 20)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)
        select SfBareItem.FromByteSequence(bytes),
        Gen.Elements(true, false).Select(SfBareItem.FromBoolean),
        Integer(999_999_999_999_999).Select(SfBareItem.FromDate),
        Gen.ArrayOf(Gen.Elements("a", " ", "%", "\"", "\u00fc", "\u20ac", "\U0001F600", "\t", "\\"))
            .Select(parts => SfBareItem.FromDisplayString(string.Concat(parts))));

    private static Gen<SfParameters> Parameters() =>
        from n in Gen.Choose(0, 3)
        from pairs in Gen.ArrayOf(Key().SelectMany(k => BareItem(), (k, v) => (k, v)), n)
        select Build(pairs);

    private static SfParameters Build((string Key, SfBareItem Value)[] pairs)
    {
        var parameters = new SfParameters();
        foreach (var (key, value) in pairs)
        {
            parameters.Set(key, value);
        }
        return parameters;
    }

    private static Gen<SfItem> Item() =>
        from bare in BareItem()
        from parameters in Parameters()
        select new SfItem(bare, parameters);

    private static Gen<SfMember> Member() => Gen.Frequency(
        (3, Item().Select(i => (SfMember)i)),
        (1, from n in Gen.Choose(0, 4)
            from items in Gen.ArrayOf(Item(), n)
            from parameters in Parameters()
            select (SfMember)new SfInnerList(items, parameters)));

    private static Gen<SfDictionary> Dictionary() =>
        from n in Gen.Choose(0, 6)
        from members in Gen.ArrayOf(Key().SelectMany(k => Member(), (k, m) => (k, m)), n)
        select BuildDictionary(members);

    private static SfDictionary BuildDictionary((string Key, SfMember Member)[] members)
    {
        var dictionary = new SfDictionary();
        foreach (var (key, member) in members)
        {
            dictionary.Set(key, member);
        }
        return dictionary;
    }

    /// <summary>The generators of this class as FsCheck arbitraries, for <see cref="PropertyAttribute.Arbitrary"/>.</summary>
    public static class Arbitraries
    {
        /// <summary>Field text: half grammar-heavy strings, half FsCheck's arbitrary strings.</summary>
        public static Arbitrary<string> FieldText() =>
            Gen.OneOf(StringFrom(Gen.Elements(s_fieldChars), 0, 40), ArbMap.Default.ArbFor<string>().Generator.Select(s => s ?? "")).ToArbitrary();

        /// <summary>Dictionaries, typed <see cref="object"/> because the structured-field object model is internal.</summary>
        public static Arbitrary<object> Dictionaries() => Dictionary().Select(static d => (object)d).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 2000)]
    public bool Arbitrary_input_never_makes_a_parser_throw(string field) => ParsesWithoutThrowing(field);

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 2000)]
    public void Serialized_dictionaries_survive_a_parse_serialize_round_trip(object generated)
    {
        var dictionary = (SfDictionary)generated;
        Assert.True(StructuredFieldSerializer.TrySerialize(dictionary, out string? first, out string? error), error);
        Assert.True(StructuredFieldParser.TryParseDictionary(first, out var parsed, out error), $"{first}: {error}");
        Assert.Equal(SfJson.Describe(dictionary), SfJson.Describe(parsed));
        Assert.True(StructuredFieldSerializer.TrySerialize(parsed, out string? second, out error), error);
        Assert.Equal(first, second);
    }

    private static bool ParsesWithoutThrowing(string field)
    {
        if (StructuredFieldParser.TryParseDictionary(field, out var dictionary, out string? error))
        {
            Assert.True(StructuredFieldSerializer.TrySerialize(dictionary, out string? text, out _));
            Assert.True(StructuredFieldParser.TryParseDictionary(text, out var again, out _), text);
            Assert.Equal(SfJson.Describe(dictionary), SfJson.Describe(again));
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(error));
        }
        if (StructuredFieldParser.TryParseList(field, out var list, out error))
        {
            Assert.True(StructuredFieldSerializer.TrySerialize(list, out string? text, out _));
            Assert.True(StructuredFieldParser.TryParseList(text, out _, out _), text);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(error));
        }
        if (StructuredFieldParser.TryParseItem(field, out var item, out error))
        {
            Assert.True(StructuredFieldSerializer.TrySerialize(item, out string? text, out _));
            Assert.True(StructuredFieldParser.TryParseItem(text, out _, out _), text);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(error));
        }
        Span<char> chars = stackalloc char[8];
        Span<byte> bytes = stackalloc byte[8];
        SfDecoding.TryUnescapeString(field, chars, out _);
        SfDecoding.TryDecodeByteSequence(field, bytes, out _);
        SfDecoding.TryDecodeDisplayString(field, chars, out _);
        SfDecoding.GetDecodedDisplayStringLength(field);
        return true;
    }
}
