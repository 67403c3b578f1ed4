using System.Text;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Tests.Keys;

public sealed class JwkSetTests
{
    private const string Ed = """{"kty":"OKP","crv":"Ed25519","kid":"ed","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"}""";
    private const string Ec = """{"kty":"EC","crv":"P-256","kid":"ec","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}""";

    [Fact]
    public void Unsupported_entries_are_skipped_with_reasons()
    {
        var json = "{\"keys\":[" + Ed + ",{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"x\",\"x\":\"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs\"},"
            + "{\"kty\":\"ML-DSA\",\"kid\":\"pq\"},42," + Ec + "]}";
        Assert.True(JwkSet.TryParse(Encoding.UTF8.GetBytes(json), 10, out var set, out var error), error);
        Assert.Equal(["ed", "ec"], set!.Keys.Select(k => k.KeyId));
        Assert.Equal(3, set.Skipped.Count);
        Assert.Equal(1, set.Skipped[0].Index);
        Assert.Equal("x", set.Skipped[0].KeyId);
        Assert.Contains("key agreement", set.Skipped[0].Reason);
        Assert.Equal("pq", set.Skipped[1].KeyId);
        Assert.Contains("unsupported key type", set.Skipped[1].Reason);
        Assert.Equal(3, set.Skipped[2].Index);
        Assert.Null(set.Skipped[2].KeyId);
    }

    [Fact]
    public void A_set_over_the_limit_fails()
    {
        var json = "{\"keys\":[" + Ed + "," + Ec + "," + Ed + "]}";
        Assert.False(JwkSet.TryParse(Encoding.UTF8.GetBytes(json), 2, out var set, out var error));
        Assert.Null(set);
        Assert.Contains("limit", error);
        Assert.True(JwkSet.TryParse(Encoding.UTF8.GetBytes(json), 3, out set, out _));
        Assert.Equal(3, set!.Keys.Count);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"keys\":{}}")]
    [InlineData("[]")]
    [InlineData("{\"keys\":[]")]
    [InlineData("")]
    public void Malformed_sets_fail(string json)
    {
        Assert.False(JwkSet.TryParse(Encoding.UTF8.GetBytes(json), 10, out var set, out var error));
        Assert.Null(set);
        Assert.NotNull(error);
    }

    [Fact]
    public void Empty_set_parses()
    {
        Assert.True(JwkSet.TryParse("{\"keys\":[]}"u8, 10, out var set, out _));
        Assert.Empty(set!.Keys);
        Assert.Empty(set.Skipped);
    }
}
