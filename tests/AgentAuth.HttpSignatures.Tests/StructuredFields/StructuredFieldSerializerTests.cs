using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

public sealed class StructuredFieldSerializerTests
{
    private static SfInnerList SignatureParams() =>
        new SfInnerList(
            [
                new SfItem(SfBareItem.FromString("@method")),
                new SfItem(SfBareItem.FromString("content-digest"), new SfParameters().Set("sf", SfBareItem.True)),
                new SfItem(SfBareItem.FromString("example-dict"), new SfParameters().Set("key", SfBareItem.FromString("a"))),
            ],
            new SfParameters()
                .Set("created", SfBareItem.FromInteger(1618884473))
                .Set("keyid", SfBareItem.FromString("test-key-ed25519"))
                .Set("alg", SfBareItem.FromString("ed25519")));

    private const string SignatureParamsText =
        "(\"@method\" \"content-digest\";sf \"example-dict\";key=\"a\");created=1618884473;keyid=\"test-key-ed25519\";alg=\"ed25519\"";

    [Fact]
    public void Writes_signature_params_into_a_span()
    {
        Span<char> buffer = stackalloc char[256];
        Assert.True(StructuredFieldSerializer.TryWrite(SignatureParams(), buffer, out int written));
        Assert.Equal(SignatureParamsText, buffer[..written].ToString());
        Assert.True(StructuredFieldSerializer.TrySerialize(SignatureParams(), out string? text, out _));
        Assert.Equal(SignatureParamsText, text);
    }

    [Fact]
    public void A_destination_that_is_too_small_fails_without_a_partial_count()
    {
        Span<char> buffer = stackalloc char[SignatureParamsText.Length - 1];
        Assert.False(StructuredFieldSerializer.TryWrite(SignatureParams(), buffer, out int written));
        Assert.Equal(0, written);
        Span<char> exact = stackalloc char[SignatureParamsText.Length];
        Assert.True(StructuredFieldSerializer.TryWrite(SignatureParams(), exact, out written));
        Assert.Equal(SignatureParamsText.Length, written);
    }

    [Fact]
    public void Long_values_serialize_to_strings_beyond_the_first_buffer()
    {
        var bytes = new byte[3000];
        new Random(7).NextBytes(bytes);
        var item = new SfItem(SfBareItem.FromByteSequence(bytes));
        Assert.True(StructuredFieldSerializer.TrySerialize(item, out string? text, out _));
        Assert.Equal(":" + Convert.ToBase64String(bytes) + ":", text);
    }

    // Typed object: the structured-field object model is internal.
    public static TheoryData<string, object> InvalidBareItems => new()
    {
        { "control char in string", SfBareItem.FromString("a\nb") },
        { "non-ASCII string", SfBareItem.FromString("caf\u00e9") },
        { "token starting with a digit", SfBareItem.FromToken("1abc") },
        { "empty token", SfBareItem.FromToken("") },
        { "token with a space", SfBareItem.FromToken("a b") },
        { "integer beyond 15 digits", SfBareItem.FromInteger(1_000_000_000_000_000) },
        { "negative integer beyond 15 digits", SfBareItem.FromInteger(-1_000_000_000_000_000) },
        { "decimal beyond 12 integer digits", SfBareItem.FromDecimal(1_000_000_000_000m) },
        { "date beyond 15 digits", SfBareItem.FromDate(1_000_000_000_000_000) },
        { "lone surrogate in display string", SfBareItem.FromDisplayString("a\ud800b") },
        { "default item", default(SfBareItem) },
    };

    [Theory]
    [MemberData(nameof(InvalidBareItems))]
    public void Invalid_values_are_refused_without_throwing(string why, object item)
    {
        var value = (SfBareItem)item;
        Assert.False(StructuredFieldSerializer.TrySerialize(value, out _, out string? error), why);
        Assert.False(string.IsNullOrEmpty(error));
        Span<char> buffer = stackalloc char[64];
        Assert.False(StructuredFieldSerializer.TryWriteBareItem(value, buffer, out int written), why);
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("1a")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a\u00e9")]
    public void Invalid_keys_are_refused_in_parameters_and_dictionaries(string key)
    {
        var parameters = new SfParameters().Set(key, SfBareItem.True);
        Assert.False(StructuredFieldSerializer.TrySerialize(new SfItem(SfBareItem.FromInteger(1), parameters), out _, out _));
        var dictionary = new SfDictionary().Set(key, new SfItem(SfBareItem.FromInteger(1)));
        Assert.False(StructuredFieldSerializer.TrySerialize(dictionary, out _, out _));
        Span<char> buffer = stackalloc char[16];
        Assert.False(StructuredFieldSerializer.TryWriteKey(key, buffer, out _));
    }

    [Theory]
    [InlineData("0.0015", "0.002")]
    [InlineData("0.0025", "0.002")]
    [InlineData("-0.0025", "-0.002")]
    [InlineData("9.9995", "10.0")]
    [InlineData("1.200", "1.2")]
    [InlineData("-0.0001", "0.0")]
    [InlineData("999999999999.999", "999999999999.999")]
    [InlineData("-7", "-7.0")]
    public void Decimals_round_half_to_even_to_three_digits(string value, string expected)
    {
        var d = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(StructuredFieldSerializer.TrySerialize(SfBareItem.FromDecimal(d), out string? text, out _));
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Decimal_rounding_past_twelve_integer_digits_is_refused()
    {
        Assert.False(StructuredFieldSerializer.TrySerialize(SfBareItem.FromDecimal(999_999_999_999.9996m), out _, out _));
    }

    [Fact]
    public void Serializes_every_bare_item_type()
    {
        Span<char> buffer = stackalloc char[64];
        (SfBareItem Value, string Text)[] cases =
        [
            (SfBareItem.FromInteger(-42), "-42"),
            (SfBareItem.FromString("say \"hi\" \\o/"), "\"say \\\"hi\\\" \\\\o/\""),
            (SfBareItem.FromToken("*foo/bar:baz"), "*foo/bar:baz"),
            (SfBareItem.FromByteSequence([1, 2, 3]), ":AQID:"),
            (SfBareItem.FromBoolean(false), "?0"),
            (SfBareItem.FromBoolean(true), "?1"),
            (SfBareItem.FromDate(new DateTimeOffset(2022, 8, 4, 1, 57, 13, TimeSpan.Zero)), "@1659578233"),
            (SfBareItem.FromDisplayString("f\u00fc \"%\" \U0001F600"), "%\"f%c3%bc %22%25%22 %f0%9f%98%80\""),
        ];
        foreach (var (value, text) in cases)
        {
            Assert.True(StructuredFieldSerializer.TryWriteBareItem(value, buffer, out int written));
            Assert.Equal(text, buffer[..written].ToString());
        }
    }

    [Fact]
    public void Dictionary_members_with_value_true_are_written_as_bare_keys()
    {
        var dictionary = new SfDictionary()
            .Set("a", new SfItem(SfBareItem.True, new SfParameters().Set("p", SfBareItem.FromBoolean(false))))
            .Set("b", new SfItem(SfBareItem.FromBoolean(false)))
            .Set("c", new SfInnerList())
            .Set("a", new SfItem(SfBareItem.True));
        Assert.True(StructuredFieldSerializer.TrySerialize(dictionary, out string? text, out _));
        Assert.Equal("a, b=?0, c=()", text);
    }

    [Fact]
    public void Duplicate_dictionary_keys_keep_the_first_position_and_the_last_value()
    {
        Assert.True(StructuredFieldParser.TryParseDictionary("a=1, b=2, a=3;x", out var dictionary, out _));
        Assert.Equal(2, dictionary.Count);
        Assert.Equal("a", dictionary[0].Key);
        Assert.True(dictionary.TryGetValue("a", out var a));
        Assert.Equal(3, ((SfItem)a).BareItem.IntegerValue);
        Assert.True(((SfItem)a).Parameters.ContainsKey("x"));
        Assert.Equal("a=3;x, b=2", dictionary.ToString());
    }

    [Fact]
    public void Duplicate_parameter_keys_keep_the_first_position_and_the_last_value()
    {
        Assert.True(StructuredFieldParser.TryParseItem("1;a=1;b=2;a=3", out var item, out _));
        Assert.Equal("a", item.Parameters[0].Key);
        Assert.True(item.Parameters.TryGetValue("a", out var a));
        Assert.Equal(3, a.IntegerValue);
        Assert.Equal("1;a=3;b=2", item.ToString());
    }

    [Fact]
    public void Many_parameters_keep_order_and_last_value_when_indexed()
    {
        var field = new System.Text.StringBuilder("1");
        for (int i = 0; i < 40; i++)
        {
            field.Append(";k").Append(i % 20).Append('=').Append(i);
        }
        Assert.True(StructuredFieldParser.TryParseItem(field.ToString(), out var item, out _));
        Assert.Equal(20, item.Parameters.Count);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("k" + i, item.Parameters[i].Key);
            Assert.Equal(i + 20, item.Parameters[i].Value.IntegerValue);
        }
        Assert.True(item.Parameters.Remove("k3"));
        Assert.False(item.Parameters.ContainsKey("k3"));
        Assert.Equal(4, item.Parameters.IndexOf("k5"));
        Assert.True(item.Parameters.TryGetValue("k19", out var last));
        Assert.Equal(39, last.IntegerValue);
    }
}
