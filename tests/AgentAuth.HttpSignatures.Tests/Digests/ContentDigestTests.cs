using System.Buffers;
using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures.Digests;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Digests;

/// <summary>Every case of ../shared/conformance/digest/content-digest.json.</summary>
public sealed class ContentDigestTests
{
    private static JsonElement Section(string name)
    {
        using var document = ConformanceFiles.ReadJson("digest/content-digest.json");
        return document.RootElement.GetProperty(name).Clone();
    }

    public static TheoryData<string> KnownAnswerIds()
    {
        var data = new TheoryData<string>();
        foreach (var item in Section("cases").EnumerateArray())
        {
            if (item.TryGetProperty("body_hex", out _))
            {
                data.Add(item.GetProperty("id").GetString()!);
            }
        }
        return data;
    }

    public static TheoryData<string> NegativeIds()
    {
        var data = new TheoryData<string>();
        foreach (var item in Section("negative").EnumerateArray())
        {
            data.Add(item.GetProperty("id").GetString()!);
        }
        return data;
    }

    public static TheoryData<string> UnreproducibleIds()
    {
        var data = new TheoryData<string>();
        foreach (var item in Section("unreproducible_as_printed").EnumerateArray())
        {
            data.Add(item.GetProperty("id").GetString()!);
        }
        return data;
    }

    private static JsonElement Case(string section, string id)
    {
        foreach (var item in Section(section).EnumerateArray())
        {
            if (item.GetProperty("id").GetString() == id)
            {
                return item;
            }
        }
        throw new InvalidOperationException("no case " + id);
    }

    [Theory]
    [MemberData(nameof(KnownAnswerIds))]
    public async Task Known_answers_compute_and_verify(string id)
    {
        var item = Case("cases", id);
        var body = Convert.FromHexString(item.GetProperty("body_hex").GetString()!);
        Assert.Equal(item.GetProperty("body_text").GetString(), Encoding.UTF8.GetString(body));
        var field = item.GetProperty("content_digest_field").GetString()!;
        var alg = item.GetProperty("alg").GetString()!;

        if (alg is "sha-256" or "sha-512")
        {
            var algorithm = alg == "sha-256" ? DigestAlgorithm.Sha256 : DigestAlgorithm.Sha512;
            Assert.Equal(field, ContentDigest.Compute(body, algorithm));
            Assert.Equal(field, await ContentDigest.ComputeAsync(new MemoryStream(body), algorithm));
            Assert.Equal(field, ContentDigest.Compute(Split(body), algorithm));
            Assert.Equal(alg + "=" + item.GetProperty("expected_sf_byte_sequence").GetString(), field);
            Span<char> buffer = stackalloc char[ContentDigest.GetFieldValueLength(algorithm)];
            Assert.True(ContentDigest.TryCompute(body, algorithm, buffer, out var written));
            Assert.Equal(field, buffer[..written].ToString());
            Assert.False(ContentDigest.TryCompute(body, algorithm, buffer[..^1], out _));

            Assert.Equal(ContentDigestVerificationResult.Valid, ContentDigest.Verify(field, body));
            Assert.Equal(ContentDigestVerificationResult.Valid, ContentDigest.Verify(field, Split(body)));
            Assert.Equal(ContentDigestVerificationResult.Valid, await ContentDigest.VerifyAsync(field, new MemoryStream(body)));
            byte[] changed = [.. body, (byte)' '];
            Assert.Equal(ContentDigestVerificationResult.Mismatch, ContentDigest.Verify(field, changed));
            Assert.Equal(ContentDigestVerificationResult.Mismatch, await ContentDigest.VerifyAsync(field, new MemoryStream(changed)));
        }
        else
        {
            // md5 and sha are deprecated: the known answer is right, but such a field never verifies anything.
            Assert.True(alg is "md5" or "sha", alg);
            Assert.Equal(ContentDigestVerificationResult.NoSupportedAlgorithm, ContentDigest.Verify(field, body));
            Assert.Equal(ContentDigestVerificationResult.NoSupportedAlgorithm, ContentDigest.Verify(field, "anything else"u8));
        }
    }

    [Fact]
    public void Multi_algorithm_syntax_example_needs_every_supported_digest_to_match()
    {
        // RFC 9530 §2: the two digests come from different bodies in the RFC text, so no single body satisfies both.
        var field = Case("cases", "rfc9530-2-multi").GetProperty("content_digest_field").GetString()!;
        var withLf = "{\"hello\": \"world\"}\n"u8.ToArray();
        Assert.Equal(ContentDigestVerificationResult.Mismatch, ContentDigest.Verify(field, withLf));

        // The same shape with two digests of one body verifies; deprecated members alongside are ignored.
        var both = ContentDigest.Compute(withLf, DigestAlgorithm.Sha256) + ", " + ContentDigest.Compute(withLf, DigestAlgorithm.Sha512);
        Assert.Equal(ContentDigestVerificationResult.Valid, ContentDigest.Verify(both, withLf));
        Assert.Equal(ContentDigestVerificationResult.Valid, ContentDigest.Verify("md5=:AAAA:, unixsum=:AAAA:, " + both + ";p=1, crc32c=:AAAAAA==:", withLf));
        // One right, one wrong: every supported digest must match.
        var wrong = ContentDigest.Compute(withLf, DigestAlgorithm.Sha256) + ", " + ContentDigest.Compute("x"u8, DigestAlgorithm.Sha512);
        Assert.Equal(ContentDigestVerificationResult.Mismatch, ContentDigest.Verify(wrong, withLf));
        // A repeated key must match every time it appears.
        var repeated = ContentDigest.Compute(withLf, DigestAlgorithm.Sha256) + ", " + ContentDigest.Compute("x"u8, DigestAlgorithm.Sha256);
        Assert.Equal(ContentDigestVerificationResult.Mismatch, ContentDigest.Verify(repeated, withLf));
    }

    [Theory]
    [MemberData(nameof(NegativeIds))]
    public async Task Negative_cases_are_rejected(string id)
    {
        var item = Case("negative", id);
        var field = item.GetProperty("field").GetString()!;
        var body = item.TryGetProperty("body", out var bodyElement)
            ? Encoding.UTF8.GetBytes(bodyElement.GetString()!)
            : "{\"hello\": \"world\"}\n"u8.ToArray();
        var expected = id switch
        {
            // RFC 9421 B.2 prints a digest of some other body.
            "rfc9421-B.2-response-as-printed" => ContentDigestVerificationResult.Mismatch,
            // '==' after 43 characters decodes to 31 bytes: not a SHA-256 digest.
            "rfc9530-B.5-typo" => ContentDigestVerificationResult.Malformed,
            // Uppercase key and no colons: not a structured-field dictionary of byte sequences.
            "nsign-pre-1.1-format" => ContentDigestVerificationResult.Malformed,
            _ => throw new InvalidOperationException("unexpected negative case " + id),
        };
        Assert.Equal(expected, ContentDigest.Verify(field, body));
        Assert.Equal(expected, await ContentDigest.VerifyAsync(field, new MemoryStream(body)));
        Assert.NotEqual(ContentDigestVerificationResult.Valid, ContentDigest.Verify(field, "{\"hello\": \"world\"}"u8));
    }

    [Theory]
    [MemberData(nameof(UnreproducibleIds))]
    public void Unreproducible_printed_values_do_not_match_the_printed_body(string id)
    {
        // The README lists these as not reproducible from the printed hex: they are not known answers.
        var item = Case("unreproducible_as_printed", id);
        var field = item.GetProperty("field").GetString()!;
        var printedBody = Convert.FromHexString(item.GetProperty("printed_body_hex").GetString()!);
        Assert.Equal(ContentDigestVerificationResult.Mismatch, ContentDigest.Verify(field, printedBody));
        if (id == "rfc9530-s2-and-B.4-sha256-encoded")
        {
            // The value the file documents for the printed bytes.
            Assert.Equal("sha-256=:MklYnI/SsUF/5X7enJ2TU+DFjodRObdKLFaPPLe/Kcw=:", ContentDigest.Compute(printedBody, DigestAlgorithm.Sha256));
        }
    }

    [Theory]
    [InlineData("", ContentDigestVerificationResult.NoSupportedAlgorithm)]
    [InlineData("   ", ContentDigestVerificationResult.NoSupportedAlgorithm)]
    [InlineData("md5=:Sd/dVLAcvNLSq16eXua5uQ==:", ContentDigestVerificationResult.NoSupportedAlgorithm)]
    [InlineData("unixsum=30637, crc32c=:AAAAAA==:, adler=:AAAAAA==:", ContentDigestVerificationResult.NoSupportedAlgorithm)]
    [InlineData("id-sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigestVerificationResult.NoSupportedAlgorithm)]
    [InlineData("sha-256", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=?1", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=\"X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\"", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=(:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:)", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBP:", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=: garbage", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-512=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigestVerificationResult.Malformed)]
    [InlineData("SHA-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigestVerificationResult.Malformed)]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigestVerificationResult.Valid)]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:;q=1", ContentDigestVerificationResult.Valid)]
    [InlineData("  sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:  ,md5=:AAAA:", ContentDigestVerificationResult.Valid)]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigestVerificationResult.Valid)]
    public void Field_shapes(string field, ContentDigestVerificationResult expected)
    {
        Assert.Equal(expected, ContentDigest.Verify(field, "{\"hello\": \"world\"}"u8));
    }

    [Fact]
    public async Task Large_streams_are_hashed_in_chunks()
    {
        var body = new byte[200_000];
        new Random(9530).NextBytes(body);
        var field = ContentDigest.Compute(body, DigestAlgorithm.Sha512);
        Assert.Equal(field, await ContentDigest.ComputeAsync(new MemoryStream(body), DigestAlgorithm.Sha512));
        Assert.Equal(ContentDigestVerificationResult.Valid, await ContentDigest.VerifyAsync(field, new MemoryStream(body)));
        Assert.Equal(ContentDigestVerificationResult.Valid, ContentDigest.Verify(field, Split(body)));
        body[150_000] ^= 1;
        Assert.Equal(ContentDigestVerificationResult.Mismatch, await ContentDigest.VerifyAsync(field, new MemoryStream(body)));
    }

    [Fact]
    public async Task A_malformed_field_is_refused_before_reading_the_stream()
    {
        var stream = new ThrowingStream();
        Assert.Equal(ContentDigestVerificationResult.Malformed, await ContentDigest.VerifyAsync("sha-256=oops", stream));
        Assert.Equal(ContentDigestVerificationResult.NoSupportedAlgorithm, await ContentDigest.VerifyAsync("md5=:AAAA:", stream));
    }

    private static ReadOnlySequence<byte> Split(byte[] body)
    {
        if (body.Length < 3)
        {
            return new ReadOnlySequence<byte>(body);
        }
        var first = new Segment(body.AsMemory(0, body.Length / 3));
        var last = first.Append(body.AsMemory(body.Length / 3, body.Length / 3)).Append(body.AsMemory(2 * (body.Length / 3)));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }

    private sealed class ThrowingStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("must not be read");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
