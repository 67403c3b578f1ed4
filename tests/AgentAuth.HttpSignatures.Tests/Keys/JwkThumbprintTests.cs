using System.Security.Cryptography;
using System.Text;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Keys;

public sealed class JwkThumbprintTests
{
    private static Jwk Parse(string json)
    {
        Assert.True(Jwk.TryParse(Encoding.UTF8.GetBytes(json), out var jwk, out var error), error);
        return jwk!;
    }

    [Fact]
    public void Rfc7638_section_3_1_rsa_example()
    {
        using var pop = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        var vector = pop.RootElement.GetProperty("rfc7638_s3_1");
        var jwk = Parse(vector.GetProperty("jwk").GetRawText());
        Assert.Equal(vector.GetProperty("canonical_json").GetString(), Encoding.UTF8.GetString(JwkThumbprint.CanonicalJson(jwk)));
        Assert.Equal(vector.GetProperty("expected_thumbprint_b64url").GetString(), JwkThumbprint.ComputeSha256(jwk));
        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", JwkThumbprint.ComputeSha256(jwk));
    }

    [Fact]
    public void Rfc8037_appendix_A3_ed25519()
    {
        var jwk = Parse("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""");
        Assert.Equal("90facafea9b1556698540f70c0117a22ea37bd5cf3ed3c47093c1707282b4b89",
            Convert.ToHexStringLower(SHA256.HashData(JwkThumbprint.CanonicalJson(jwk))));
        Assert.Equal("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", JwkThumbprint.ComputeSha256(jwk));
    }

    [Fact]
    public void Rfc9449_dpop_proof_keys()
    {
        using var pop = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        foreach (var proof in pop.RootElement.GetProperty("rfc9449_proofs").EnumerateArray())
        {
            var jwk = Parse(proof.GetProperty("header").GetProperty("jwk").GetRawText());
            Assert.Equal(proof.GetProperty("expected_jkt").GetString(), JwkThumbprint.ComputeSha256(jwk));
        }
        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
            pop.RootElement.GetProperty("rfc9449_dpop_jkt_param_example").GetProperty("dpop_jkt").GetString());
    }

    [Fact]
    public void Optional_members_and_member_order_do_not_change_the_result()
    {
        const string x = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";
        string[] variants =
        [
            "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\"}",
            "{\"x\":\"" + x + "\",\"crv\":\"Ed25519\",\"kty\":\"OKP\"}",
            "{ \"crv\" : \"Ed25519\",\n \"kid\":\"k1\", \"alg\":\"Ed25519\", \"use\":\"sig\", \"kty\":\"OKP\", \"x\":\"" + x + "\", \"key_ops\":[\"verify\"], \"ext\":true}",
            "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\",\"alg\":\"EdDSA\",\"kid\":\"other\"}",
        ];
        foreach (var json in variants)
        {
            Assert.Equal("poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U", JwkThumbprint.ComputeSha256(Parse(json)));
        }
        var ec = Parse("""{"use":"sig","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","kid":"a","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","kty":"EC","alg":"ES256"}""");
        Assert.Equal("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", JwkThumbprint.ComputeSha256(ec));
    }

    [Fact]
    public void Span_variant_writes_into_a_caller_buffer()
    {
        var jwk = Parse("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""");
        Span<char> buffer = stackalloc char[64];
        Assert.True(JwkThumbprint.TryComputeSha256(jwk, buffer, out var written));
        Assert.Equal(JwkThumbprint.Sha256Base64UrlLength, written);
        Assert.Equal("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", buffer[..written].ToString());
        Assert.False(JwkThumbprint.TryComputeSha256(jwk, stackalloc char[42], out written));
        Assert.Equal(0, written);
    }
}
