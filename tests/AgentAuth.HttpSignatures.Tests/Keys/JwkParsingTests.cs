using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Tests.Keys;

public sealed class JwkParsingTests
{
    private const string Ed25519X = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";
    private const string P256X = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs";
    private const string P256Y = "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA";

    private static bool TryParse(string json, out Jwk? jwk, out string? error) => Jwk.TryParse(Encoding.UTF8.GetBytes(json), out jwk, out error);

    public static TheoryData<string, string> Refused => new()
    {
        { "[]", "object" },
        { "not json", "malformed" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\"} trailing", "trailing" },
        { "{\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\"}", "kty" },
        { "{\"kty\":\"AKP\",\"x\":\"" + Ed25519X + "\"}", "unsupported key type" },
        { "{\"kty\":\"okp\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\"}", "unsupported key type" },
        { "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" + Ed25519X + "\"}", "key agreement" },
        { "{\"kty\":\"OKP\",\"crv\":\"X448\",\"x\":\"" + Ed25519X + "\"}", "key agreement" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"" + Ed25519X + "\"}", "unsupported OKP curve" },
        { "{\"kty\":\"OKP\",\"x\":\"" + Ed25519X + "\"}", "crv" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X[..42] + "\"}", "32 bytes" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "=\"}", "32 bytes" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs\"}", "32 bytes" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bt\"}", "32 bytes" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\" " + Ed25519X + "\"}", "32 bytes" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"alg\":\"ES256\"}", "does not fit" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"alg\":\"none\"}", "does not fit" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"alg\":\"ed25519\"}", "does not fit" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"n\":\"AQAB\"}", "another key type" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"x\":\"" + Ed25519X + "\"}", "duplicate" },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":32}", "string" },
        { "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + P256X + "\",\"y\":\"" + P256Y + "\",\"alg\":\"EdDSA\"}", "does not fit" },
        { "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + P256X + "\",\"y\":\"" + P256Y + "\",\"alg\":\"ES384\"}", "does not fit" },
        { "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"" + P256X + "\",\"y\":\"" + P256Y + "\"}", "48 bytes" },
        { "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + P256X + "\"}", "32 bytes" },
        { "{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"" + P256X + "\",\"y\":\"" + P256Y + "\"}", "unsupported EC curve" },
        { "{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"x\":\"" + P256X + "\",\"y\":\"" + P256Y + "\"}", "unsupported EC curve" },
        { "{\"kty\":\"EC\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\"}", "unsupported EC curve" },
        { "{\"kty\":\"RSA\",\"e\":\"AQAB\"}", "'n' and 'e'" },
        { "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"alg\":\"ES256\"}", "does not fit" },
        { "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"alg\":\"RSA-OAEP\"}", "does not fit" },
        { "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"oth\":[]}", "multi-prime" },
        { "{\"kty\":\"oct\",\"k\":\"AQAB\",\"alg\":\"HS512\"}", "does not fit" },
        { "{\"kty\":\"oct\",\"k\":\"AQAB\",\"alg\":\"EdDSA\"}", "does not fit" },
        { "{\"kty\":\"oct\",\"k\":\"\"}", "'k'" },
        { "{\"kty\":\"oct\",\"k\":\"AQAB\",\"key_ops\":[\"sign\",\"sign\"]}", "duplicate" },
        { "{\"kty\":\"oct\",\"k\":\"AQAB\",\"key_ops\":\"sign\"}", "key_ops" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Inconsistent_or_malformed_jwks_are_refused(string json, string reasonFragment)
    {
        Assert.False(TryParse(json, out var jwk, out var error));
        Assert.Null(jwk);
        Assert.Contains(reasonFragment, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Members_are_exposed()
    {
        Assert.True(TryParse("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + P256X + "\",\"y\":\"" + P256Y + "\",\"kid\":\"k\",\"alg\":\"ES256\",\"use\":\"sig\",\"key_ops\":[\"verify\"],\"x5c\":[\"abc\"]}", out var jwk, out _));
        Assert.Equal("EC", jwk!.KeyType);
        Assert.Equal("P-256", jwk.Curve);
        Assert.Equal(P256X, jwk.X);
        Assert.Equal(P256Y, jwk.Y);
        Assert.Equal("k", jwk.KeyId);
        Assert.Equal("ES256", jwk.Algorithm);
        Assert.Equal("sig", jwk.Use);
        Assert.Equal(["verify"], jwk.KeyOperations!);
        Assert.True(jwk.IsPublicOnly);
        Assert.False(jwk.HasPrivateMembers);
    }

    [Fact]
    public void Private_members_are_detected()
    {
        Assert.True(TryParse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"d\":\"n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU\"}", out var okp, out _));
        Assert.True(okp!.HasPrivateMembers);
        Assert.False(okp.IsPublicOnly);
        Assert.True(TryParse("{\"kty\":\"oct\",\"k\":\"AQAB\"}", out var oct, out _));
        Assert.True(oct!.HasPrivateMembers);
        Assert.False(oct.IsPublicOnly);
        Assert.True(Rfc9421TestKeysTests.ReadJwk("test-key-rsa.jwk.json").HasPrivateMembers);
        Assert.True(Rfc9421TestKeysTests.ReadJwk("test-key-ecc-p256.jwk.json").HasPrivateMembers);
        Assert.True(Rfc9421TestKeysTests.ReadJwk("test-key-rsa-pss.pub.jwk.json").IsPublicOnly);
    }

    [Fact]
    public void String_and_json_element_overloads_agree()
    {
        var json = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\"}";
        Assert.True(Jwk.TryParse(json, out var fromString, out _));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.True(Jwk.TryParse(document.RootElement, out var fromElement, out _));
        Assert.Equal(JwkThumbprint.ComputeSha256(fromString!), JwkThumbprint.ComputeSha256(fromElement!));
        Assert.True(Jwk.TryParse(fromString!.ToJson(), out var roundTripped, out _));
        Assert.Equal(fromString.X, roundTripped!.X);
    }

    [Fact]
    public void Signature_key_refuses_encryption_use_and_foreign_key_ops()
    {
        Assert.True(TryParse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"use\":\"enc\"}", out var enc, out _));
        Assert.False(SignatureKey.TryCreate(enc!, out _, out var error));
        Assert.Contains("use", error);
        Assert.True(TryParse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"key_ops\":[\"encrypt\"]}", out var ops, out _));
        Assert.False(SignatureKey.TryCreate(ops!, out _, out error));
        Assert.Contains("key_ops", error);
    }

    [Fact]
    public void Small_order_ed25519_jwk_is_refused_as_a_key()
    {
        // x = identity point: parses as a JWK (32 bytes) but never becomes a key.
        Assert.True(TryParse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", out var jwk, out _));
        Assert.False(SignatureKey.TryCreate(jwk!, out var key, out var error));
        Assert.Null(key);
        Assert.Contains("small order", error);
    }

    [Fact]
    public void Ec_point_not_on_the_curve_is_refused_as_a_key()
    {
        Assert.True(TryParse("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + P256X + "\",\"y\":\"" + P256X + "\"}", out var jwk, out _));
        Assert.False(SignatureKey.TryCreate(jwk!, out _, out var error));
        Assert.Contains("point", error);
    }

    [Fact]
    public void Ed25519_private_seed_must_match_the_public_key()
    {
        var otherD = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
        Assert.True(TryParse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Ed25519X + "\",\"d\":\"" + otherD + "\"}", out var jwk, out _));
        Assert.False(SignatureKey.TryCreate(jwk!, out _, out var error));
        Assert.Contains("does not match", error);
    }
}
