using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AgentAuth.AspNetCore;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class DPoPProofParsingTests
{
    private const string Figure13 =
        "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19"
        + ".eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9"
        + ".2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA";

    [Fact]
    public void Splits_the_figure_13_proof()
    {
        Assert.True(DPoPProofJws.TryParse(Figure13, out var jws));
        using (jws)
        {
            Assert.Equal(Figure13[..Figure13.LastIndexOf('.')], Encoding.ASCII.GetString(jws!.SigningInput.Span));
            Assert.Equal(64, jws.Signature.Length);
            using var header = JsonDocument.Parse(jws.Header);
            Assert.Equal("dpop+jwt", header.RootElement.GetProperty("typ").GetString());
            using var payload = JsonDocument.Parse(jws.Payload);
            Assert.Equal("e1j3V_bKic8-LAEB", payload.RootElement.GetProperty("jti").GetString());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData(".e30.c2ln")]
    [InlineData("e30..c2ln")]
    [InlineData("e30.e30.")]
    [InlineData("e30.e30.c2ln.c2ln")]
    [InlineData("e30.e30.c2ln.c2ln.c2ln")]
    [InlineData("e30=.e30.c2ln")]
    [InlineData("e30.e30.c2l+")]
    [InlineData("e30.e3 0.c2ln")]
    [InlineData("e31.e30.c2ln")] // non-canonical trailing bits
    [InlineData("eyJhIjoipCJ9.e30.c2ln")] // header {"a":"\xA4"}: not UTF-8
    [InlineData("e30.eyJhIjoipCJ9.c2ln")] // payload not UTF-8
    public void Rejects_anything_but_three_canonical_segments(string proof)
    {
        Assert.False(DPoPProofJws.TryParse(proof, out var jws));
        Assert.Null(jws);
    }

    [Fact]
    public void Reads_header_members()
    {
        using var doc = JsonDocument.Parse("""{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC"},"kid":"ignored"}""");
        Assert.True(DPoPProofHeader.TryRead(doc.RootElement, out var header, out var error));
        Assert.Null(error);
        Assert.Equal("dpop+jwt", header.Type);
        Assert.Equal("ES256", header.Algorithm);
        Assert.Equal(JsonValueKind.Object, header.Jwk.ValueKind);
    }

    [Theory]
    [InlineData("""[]""", "not a JSON object")]
    [InlineData("""{"typ":1}""", "'typ'")]
    [InlineData("""{"alg":null}""", "'alg'")]
    [InlineData("""{"jwk":"x"}""", "'jwk'")]
    [InlineData("""{"alg":"ES256","crit":["exp"]}""", "'crit'")]
    public void Rejects_bad_header_members(string json, string reason)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.False(DPoPProofHeader.TryRead(doc.RootElement, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_claims()
    {
        using var doc = JsonDocument.Parse("""{"jti":"j","htm":"GET","htu":"https://h/x","iat":1562262618,"ath":"a","nonce":"n","extra":[1]}""");
        Assert.True(DPoPProofClaims.TryRead(doc.RootElement, out var claims, out _));
        Assert.Equal(("j", "GET", "https://h/x", 1562262618L, "a", "n"), (claims.Jti, claims.Htm, claims.Htu, claims.IssuedAt!.Value, claims.Ath, claims.Nonce));
    }

    [Fact]
    public void Truncates_a_fractional_iat_and_leaves_absent_claims_null()
    {
        using var doc = JsonDocument.Parse("""{"iat":1562262618.75}""");
        Assert.True(DPoPClaimsRead(doc, out var claims));
        Assert.Equal(1562262618L, claims.IssuedAt);
        Assert.Null(claims.Jti);
        Assert.Null(claims.Nonce);
    }

    [Theory]
    [InlineData("""{"jti":7}""", "'jti'")]
    [InlineData("""{"jti":""}""", "'jti'")]
    [InlineData("""{"htm":["GET"]}""", "'htm'")]
    [InlineData("""{"htu":{}}""", "'htu'")]
    [InlineData("""{"ath":true}""", "'ath'")]
    [InlineData("""{"nonce":1}""", "'nonce'")]
    [InlineData("""{"iat":"1562262618"}""", "'iat'")]
    [InlineData("""{"iat":-1}""", "'iat'")]
    [InlineData("""{"iat":1e300}""", "'iat'")]
    [InlineData("""{"iat":99999999999999}""", "'iat'")]
    [InlineData("""null""", "not a JSON object")]
    public void Rejects_claims_of_the_wrong_type(string json, string reason)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.False(DPoPProofClaims.TryRead(doc.RootElement, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_returns_the_buffer_and_blocks_further_reads()
    {
        var segment = Base64Url.EncodeToString("{}"u8);
        Assert.True(DPoPProofJws.TryParse(segment + "." + segment + ".c2ln", out var jws));
        jws!.Dispose();
        Assert.Throws<ObjectDisposedException>(() => jws.Header);
    }

    private static bool DPoPClaimsRead(JsonDocument doc, out DPoPProofClaims claims) => DPoPProofClaims.TryRead(doc.RootElement, out claims, out _);
}
