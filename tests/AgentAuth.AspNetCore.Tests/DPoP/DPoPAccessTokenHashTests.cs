using AgentAuth.AspNetCore;
using AgentAuth.Testing;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class DPoPAccessTokenHashTests
{
    [Fact]
    public void Computes_the_rfc9449_ath()
    {
        using var vectors = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        var token = vectors.RootElement.GetProperty("rfc9449_access_token");
        var accessToken = token.GetProperty("access_token").GetString()!;
        var ath = token.GetProperty("expected_ath").GetString()!;

        Assert.Equal(ath, DPoPAccessTokenHash.Compute(accessToken));
        Assert.True(DPoPAccessTokenHash.Matches(accessToken, ath));
    }

    [Theory]
    [InlineData("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEp")] // last character changed
    [InlineData("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo=")] // padded
    [InlineData("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQE")]
    [InlineData("")]
    public void Rejects_other_values(string ath)
    {
        Assert.False(DPoPAccessTokenHash.Matches("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU", ath));
    }

    [Fact]
    public void Hashes_long_tokens()
    {
        var token = new string('t', 5000);
        Assert.True(DPoPAccessTokenHash.Matches(token, DPoPAccessTokenHash.Compute(token)));
        Assert.False(DPoPAccessTokenHash.Matches(token + "u", DPoPAccessTokenHash.Compute(token)));
    }
}
