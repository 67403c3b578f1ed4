using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;
using AgentAuth.HttpSignatures.Keys;
using FsCheck;
using FsCheck.Fluent;

namespace AgentAuth.HttpSignatures.Tests.Keys;

/// <summary>FsCheck properties: untrusted JWKs, JWK Sets and Content-Digest fields never make a parser throw.</summary>
public sealed class JwkPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(1500);

    private static readonly string[] s_fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"kty\"", "\"OKP\"", "\"EC\"", "\"RSA\"", "\"oct\"", "\"crv\"", "\"Ed25519\"", "\"P-256\"",
        "\"x\"", "\"y\"", "\"n\"", "\"e\"", "\"k\"", "\"d\"", "\"alg\"", "\"ES256\"", "\"EdDSA\"", "\"keys\"", "\"key_ops\"",
        "\"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs\"", "\"AQAB\"", "\"AAAA\"", "\"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs\"",
        "null", "true", "1", "\"\"", " ",
    ];

    private static Gen<string> JsonLike() =>
        from n in Gen.Choose(0, 24)
        from parts in Gen.ArrayOf(Gen.Elements(s_fragments), n)
        select string.Concat(parts);

    [Fact]
    public void Jwk_and_jwk_set_parsing_never_throw()
    {
        var anything = ArbMap.Default.ArbFor<string>().Generator.Select(s => s ?? "");
        var input = Gen.OneOf(JsonLike(), anything).ToArbitrary();
        Prop.ForAll(input, json =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            if (Jwk.TryParse(bytes, out var jwk, out var error))
            {
                // A parsed JWK always has a thumbprint, and key creation answers without throwing.
                Assert.Equal(JwkThumbprint.Sha256Base64UrlLength, JwkThumbprint.ComputeSha256(jwk!).Length);
                if (SignatureKey.TryCreate(jwk!, out var key, out _))
                {
                    key!.Dispose();
                }
            }
            else
            {
                Assert.NotNull(error);
            }
            JwkSet.TryParse(bytes, 4, out _, out _);
            JwkSet.TryParse(Encoding.UTF8.GetBytes("{\"keys\":[" + json + "]}"), 4, out _, out _);
        }).Check(s_config);
    }

    [Fact]
    public void Content_digest_verification_never_throws()
    {
        var chars = "sha-256512md5=:,; ()\"?1AZaz09+/=\t*".ToCharArray();
        var fieldLike =
            from n in Gen.Choose(0, 60)
            from cs in Gen.ArrayOf(Gen.Elements(chars), n)
            select new string(cs);
        var prefixed = fieldLike.Select(s => "sha-256=:" + s);
        var anything = ArbMap.Default.ArbFor<string>().Generator.Select(s => s ?? "");
        Prop.ForAll(Gen.OneOf(fieldLike, prefixed, anything).ToArbitrary(), field =>
        {
            var result = ContentDigest.Verify(field, "body"u8);
            Assert.True(Enum.IsDefined(result));
        }).Check(s_config);
    }
}
