using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Tests.Keys;

/// <summary>The strict base64url cases DPoP proofs and nonces rely on (they decode through <see cref="Base64UrlStrict"/>).</summary>
public sealed class Base64UrlStrictDPoPCasesTests
{
    [Theory]
    [InlineData("Zg", "66")]
    [InlineData("Zm8", "666f")]
    [InlineData("Zm9v", "666f6f")]
    [InlineData("-_8", "fbff")]
    public void Decodes_canonical_input(string input, string hex)
    {
        Assert.True(Base64UrlStrict.TryGetDecodedLength(input, out var length));
        var buffer = new byte[length];
        Assert.True(Base64UrlStrict.TryDecode(input, buffer, out var written));
        Assert.Equal(hex, Convert.ToHexStringLower(buffer, 0, written));
    }

    [Theory]
    [InlineData("")]       // nothing to decode: a JWS part or nonce is never empty
    [InlineData("Zg==")]   // padding
    [InlineData("Zh")]     // non-zero unused bits (canonical form is Zg)
    [InlineData("Zm9")]    // non-zero unused bits (canonical form is Zm8)
    [InlineData("Z")]      // impossible length
    [InlineData("Zm+v")]   // base64 alphabet, not base64url
    [InlineData("Zm/v")]
    [InlineData("Zm 9v")]  // whitespace
    [InlineData("Zm9v\n")]
    public void Rejects_non_canonical_input(string input)
    {
        Assert.False(Base64UrlStrict.TryDecode(input, new byte[16], out _));
    }

    [Fact]
    public void Rejects_a_short_destination()
    {
        Assert.False(Base64UrlStrict.TryDecode("Zm9v", new byte[2], out _));
    }
}
