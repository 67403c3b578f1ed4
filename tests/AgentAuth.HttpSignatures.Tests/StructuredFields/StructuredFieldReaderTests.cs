using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

public sealed class StructuredFieldReaderTests
{
    private const string SignatureInput =
        "sig-b21=();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\", " +
        "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";

    [Fact]
    public void Reads_a_signature_input_dictionary_and_slices_each_inner_list_source()
    {
        var reader = new StructuredFieldReader(SignatureInput);
        var labels = new List<string>();
        var sources = new List<string>();
        var components = new List<string>();
        long created = 0;
        while (!reader.IsAtEnd)
        {
            Assert.True(reader.TryReadDictionaryKey(out var label, out bool hasValue));
            Assert.True(hasValue);
            labels.Add(label.ToString());
            Assert.True(reader.IsInnerListNext);
            int start = reader.Position;
            Assert.True(reader.TryReadInnerListStart());
            while (true)
            {
                Assert.True(reader.TryReadInnerListItem(out var item, out bool end), reader.Error);
                if (end)
                {
                    break;
                }
                Assert.Equal(SfItemKind.String, item.Kind);
                components.Add(item.Raw.ToString());
                Assert.True(reader.TrySkipParameters());
            }
            while (true)
            {
                Assert.True(reader.TryReadParameter(out var key, out var value, out bool end), reader.Error);
                if (end)
                {
                    break;
                }
                if (key.SequenceEqual("created"))
                {
                    created = value.IntegerValue;
                }
            }
            sources.Add(SignatureInput[start..reader.Position]);
            Assert.True(reader.TryReadMemberSeparator(out bool last), reader.Error);
            if (last)
            {
                break;
            }
        }
        Assert.Null(reader.Error);
        Assert.Equal(["sig-b21", "sig-b26"], labels);
        Assert.Equal("();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\"", sources[0]);
        Assert.StartsWith("(\"date\" \"@method\"", sources[1]);
        Assert.Equal(["date", "@method", "@path", "@authority", "content-type", "content-length"], components);
        Assert.Equal(1618884473, created);
    }

    [Fact]
    public void Reading_a_typical_signature_header_allocates_nothing()
    {
        const string signature = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";
        Span<byte> bytes = stackalloc byte[64];
        Span<char> text = stackalloc char[64];
        long checksum = WalkSignatureHeaders(signature, bytes, text);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            checksum += WalkSignatureHeaders(signature, bytes, text);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        // Per walk: 64 signature bytes, two created values, two 16-char keyids, one @method component.
        Assert.Equal(101 * (64 + 1618884473L + 1618884473L + 16 + 16 + 4), checksum);
    }

    private static long WalkSignatureHeaders(string signature, Span<byte> bytes, Span<char> text)
    {
        long sum = 0;
        var sig = new StructuredFieldReader(signature);
        if (sig.TryReadDictionaryKey(out _, out _) && sig.TryReadBareItem(out var item)
            && SfDecoding.TryDecodeByteSequence(item.Raw, bytes, out int written))
        {
            sum += written;
        }
        var input = new StructuredFieldReader(SignatureInput);
        while (!input.IsAtEnd)
        {
            if (!input.TryReadDictionaryKey(out _, out _) || !input.TryReadInnerListStart())
            {
                return -1;
            }
            while (input.TryReadInnerListItem(out var component, out bool end) && !end)
            {
                if (component.ValueEquals("@method"))
                {
                    sum += 4;
                }
                input.TrySkipParameters();
            }
            while (input.TryReadParameter(out var key, out var value, out bool end) && !end)
            {
                if (key.SequenceEqual("created"))
                {
                    sum += value.IntegerValue;
                }
                else if (key.SequenceEqual("keyid") && SfDecoding.TryUnescapeString(value.Raw, text, out int n))
                {
                    sum += n;
                }
            }
            if (!input.TryReadMemberSeparator(out bool last) || last)
            {
                break;
            }
        }
        return sum;
    }

    [Theory]
    [InlineData("\"a\\\"b\\\\c\"", "a\"b\\c")]
    [InlineData("\"\"", "")]
    [InlineData("\"plain text\"", "plain text")]
    public void Unescapes_strings_into_a_caller_buffer(string field, string expected)
    {
        var reader = new StructuredFieldReader(field);
        Assert.True(reader.TryReadBareItem(out var item));
        Assert.True(item.ValueEquals(expected));
        Assert.False(item.ValueEquals(expected + "x"));
        Assert.Equal(expected.Length, item.GetDecodedLength());
        Span<char> buffer = stackalloc char[32];
        Assert.True(SfDecoding.TryUnescapeString(item.Raw, buffer, out int written));
        Assert.Equal(expected, buffer[..written].ToString());
        Assert.True(SfDecoding.TryUnescapeString(item.Raw, out string? allocated));
        Assert.Equal(expected, allocated);
        if (expected.Length > 0)
        {
            Assert.False(SfDecoding.TryUnescapeString(item.Raw, buffer[..(expected.Length - 1)], out written));
            Assert.Equal(0, written);
        }
    }

    [Theory]
    [InlineData("a\\", "trailing backslash")]
    [InlineData("a\\n", "escape of n")]
    [InlineData("a\"b", "bare quote")]
    [InlineData("\u00e9", "non-ASCII")]
    public void Unescape_rejects_malformed_raw_text(string raw, string why)
    {
        Span<char> buffer = stackalloc char[8];
        Assert.False(SfDecoding.TryUnescapeString(raw, buffer, out _), why);
        Assert.False(SfDecoding.TryUnescapeString(raw, out _), why);
    }

    [Theory]
    [InlineData("aGVsbG8=", "68656C6C6F")]
    [InlineData("aGVsbG8", "68656C6C6F")]
    [InlineData("iZ==", "89")]
    [InlineData("", "")]
    [InlineData("/+Ah", "FFE021")]
    public void Decodes_byte_sequences_into_a_caller_buffer(string raw, string hex)
    {
        Span<byte> buffer = stackalloc byte[16];
        Assert.True(SfDecoding.TryDecodeByteSequence(raw, buffer, out int written));
        Assert.Equal(hex, Convert.ToHexString(buffer[..written]));
        Assert.Equal(hex.Length / 2, SfDecoding.GetDecodedByteSequenceLength(raw));
        Assert.True(SfDecoding.TryDecodeByteSequence(raw, out byte[]? bytes));
        Assert.Equal(hex, Convert.ToHexString(bytes));
        if (written > 0)
        {
            Assert.False(SfDecoding.TryDecodeByteSequence(raw, buffer[..(written - 1)], out _));
        }
    }

    [Theory]
    [InlineData("a=GVsbG8=")]
    [InlineData("aGVsbG8===")]
    [InlineData("aGVsb")]
    [InlineData("_-Ah")]
    [InlineData("aG=")]
    public void Byte_sequence_decoding_rejects_bad_base64(string raw)
    {
        Span<byte> buffer = stackalloc byte[16];
        Assert.False(SfDecoding.TryDecodeByteSequence(raw, buffer, out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Decodes_display_strings_into_a_caller_buffer()
    {
        var reader = new StructuredFieldReader("%\"f%c3%bc%c3%bc %f0%9f%98%80 %22%25\"");
        Assert.True(reader.TryReadBareItem(out var item), reader.Error);
        Assert.Equal(SfItemKind.DisplayString, item.Kind);
        const string expected = "f\u00fc\u00fc \U0001F600 \"%";
        Assert.Equal(expected.Length, item.GetDecodedLength());
        Span<char> buffer = stackalloc char[32];
        Assert.True(SfDecoding.TryDecodeDisplayString(item.Raw, buffer, out int written));
        Assert.Equal(expected, buffer[..written].ToString());
        Assert.False(SfDecoding.TryDecodeDisplayString(item.Raw, buffer[..4], out _));
    }

    [Theory]
    [InlineData("%ed%a0%80", "UTF-16 surrogate encoded in UTF-8")]
    [InlineData("%c0%af", "overlong")]
    [InlineData("%f4%90%80%80", "above U+10FFFF")]
    [InlineData("%e2%82", "truncated sequence")]
    [InlineData("%C3%BC", "uppercase hex")]
    [InlineData("%c", "short escape")]
    public void Display_string_decoding_is_strict(string raw, string why)
    {
        Assert.Equal(-1, SfDecoding.GetDecodedDisplayStringLength(raw));
        Assert.False(SfDecoding.TryDecodeDisplayString(raw, out _), why);
        var reader = new StructuredFieldReader("%\"" + raw + "\"");
        Assert.False(reader.TryReadBareItem(out _), why);
        Assert.NotNull(reader.Error);
    }

    [Fact]
    public void Reads_every_bare_item_type_with_its_value()
    {
        var reader = new StructuredFieldReader("-12, 3.140, tok/en:x, ?1, ?0, @-62135596800, *t");
        Assert.True(reader.TryReadBareItem(out var i));
        Assert.Equal(-12, i.IntegerValue);
        Assert.Equal(-12m, i.DecimalValue);
        Assert.True(reader.TryReadMemberSeparator(out _));
        Assert.True(reader.TryReadBareItem(out var d));
        Assert.Equal(SfItemKind.Decimal, d.Kind);
        Assert.Equal(3.14m, d.DecimalValue);
        Assert.Equal("3.140", d.Raw.ToString());
        Assert.True(reader.TryReadMemberSeparator(out _));
        Assert.True(reader.TryReadBareItem(out var t));
        Assert.True(t.IsToken);
        Assert.True(t.ValueEquals("tok/en:x"));
        Assert.True(reader.TryReadMemberSeparator(out _));
        Assert.True(reader.TryReadBareItem(out var yes));
        Assert.True(yes.BooleanValue);
        Assert.True(reader.TryReadMemberSeparator(out _));
        Assert.True(reader.TryReadBareItem(out var no));
        Assert.Equal(SfItemKind.Boolean, no.Kind);
        Assert.False(no.BooleanValue);
        Assert.True(reader.TryReadMemberSeparator(out _));
        Assert.True(reader.TryReadBareItem(out var date));
        Assert.Equal(-62135596800, date.DateValue);
        Assert.True(reader.TryReadMemberSeparator(out _));
        Assert.True(reader.TryReadBareItem(out var star));
        Assert.Equal("*t", star.Raw.ToString());
        Assert.True(reader.TryReadMemberSeparator(out bool end));
        Assert.True(end);
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void Parameters_without_a_value_are_true_and_keys_are_validated()
    {
        var reader = new StructuredFieldReader("a;b; c=1;Bad");
        Assert.True(reader.TryReadBareItem(out _));
        Assert.True(reader.TryReadParameter(out var k1, out var v1, out bool e1));
        Assert.False(e1);
        Assert.Equal("b", k1.ToString());
        Assert.True(v1.BooleanValue);
        Assert.True(reader.TryReadParameter(out var k2, out var v2, out _));
        Assert.Equal("c", k2.ToString());
        Assert.Equal(1, v2.IntegerValue);
        Assert.False(reader.TryReadParameter(out _, out _, out _));
        Assert.Contains("key", reader.Error);
    }

    [Fact]
    public void Errors_are_sticky_and_reported_once()
    {
        var reader = new StructuredFieldReader("(1 2");
        Assert.True(reader.TryReadInnerListStart());
        Assert.True(reader.TryReadInnerListItem(out _, out _));
        Assert.True(reader.TrySkipParameters());
        Assert.True(reader.TryReadInnerListItem(out _, out _));
        Assert.True(reader.TrySkipParameters());
        Assert.False(reader.TryReadInnerListItem(out _, out _));
        string? first = reader.Error;
        Assert.NotNull(first);
        Assert.False(reader.TryReadMemberSeparator(out _));
        Assert.False(reader.TryReadBareItem(out _));
        Assert.Same(first, reader.Error);
    }

    [Theory]
    [InlineData("(1;a 2)", true)]
    [InlineData("(1 2)x", false)]
    [InlineData("(1(2))", false)]
    [InlineData("((1))", false)]
    public void Inner_list_items_need_a_space_between_them(string field, bool valid)
    {
        var reader = new StructuredFieldReader(field);
        bool ok = reader.TrySkipMember() && reader.TryReadMemberSeparator(out _);
        Assert.Equal(valid, ok);
        Assert.Equal(valid, reader.Error is null);
    }

    [Fact]
    public void Leading_spaces_are_discarded_and_trailing_garbage_is_rejected_for_items()
    {
        var ok = new StructuredFieldReader("   42   ");
        Assert.Equal(3, ok.Position);
        Assert.True(ok.TryReadBareItem(out var item));
        Assert.Equal(42, item.IntegerValue);
        Assert.True(ok.TryReadEndOfField());

        var bad = new StructuredFieldReader("42 43");
        Assert.True(bad.TryReadBareItem(out _));
        Assert.False(bad.TryReadEndOfField());
        Assert.NotNull(bad.Error);
    }
}
