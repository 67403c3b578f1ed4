using AgentAuth.AspNetCore;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class StrictBase64UrlTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("Zg", "66")]
    [InlineData("Zm8", "666f")]
    [InlineData("Zm9v", "666f6f")]
    [InlineData("-_8", "fbff")]
    public void Decodes_canonical_input(string input, string hex)
    {
        var buffer = new byte[Math.Max(0, StrictBase64Url.GetDecodedLength(input.Length))];
        Assert.True(StrictBase64Url.TryDecode(input, buffer, out var written));
        Assert.Equal(hex, Convert.ToHexStringLower(buffer, 0, written));
    }

    [Theory]
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
        var buffer = new byte[16];
        Assert.False(StrictBase64Url.TryDecode(input, buffer, out _));
    }

    [Fact]
    public void Rejects_a_short_destination()
    {
        Assert.False(StrictBase64Url.TryDecode("Zm9v", new byte[2], out _));
    }
}
