using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>Conformance of the <c>Signature-Key</c> reader with the examples of draft-hardt-httpbis-signature-key-08.</summary>
public sealed class SignatureKeyFieldTests
{
    // The keys of the draft's jkt-jwt example (§3.5): a P-256 enclave key and an Ed25519 request key.
    private const string EcX = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    private const string EcY = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    private const string OkpX = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";

    [Fact]
    public void Hwk_okp_example_gives_an_ed25519_key()
    {
        var field = "sig=hwk;kty=\"OKP\";crv=\"Ed25519\";x=\"" + OkpX + "\";alg=\"Ed25519\"";
        Assert.True(SignatureKeyField.TryGetMember(field, "sig", out var member, out var error), error);
        Assert.Equal("hwk", member.Scheme.ToString());
        Assert.True(member.TryCreateInlineJwk(out var jwk, out error), error);
        Assert.True(SignatureKey.TryCreate(jwk, jwk.Algorithm, out var key, out error), error);
        Assert.Equal(HttpSignatureAlgorithms.Ed25519, key!.Algorithm);
        Assert.Equal("Ed25519", key.JoseAlgorithm);
    }

    [Fact]
    public void Hwk_ec_example_gives_an_es256_key()
    {
        var field = "sig=hwk;kty=\"EC\";crv=\"P-256\";x=\"" + EcX + "\";y=\"" + EcY + "\";alg=\"ES256\"";
        Assert.True(SignatureKeyField.TryGetMember(field, "sig", out var member, out _));
        Assert.True(member.TryCreateInlineJwk(out var jwk, out var error), error);
        Assert.True(SignatureKey.TryCreate(jwk, jwk.Algorithm, out var key, out error), error);
        Assert.Equal(HttpSignatureAlgorithms.EcdsaP256Sha256, key!.Algorithm);
    }

    [Fact]
    public void The_jkt_jwt_example_identity_is_the_RFC_7638_thumbprint_urn_it_was_taken_from()
    {
        // §3.5's example identity, urn:jkt:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs, is the RFC 7638 §3.1 example
        // key's thumbprint (an RSA key), not the thumbprint of the P-256 header jwk it is printed with (docs/protocols.md).
        const string n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        Assert.True(Jwk.TryParse("{\"kty\":\"RSA\",\"n\":\"" + n + "\",\"e\":\"AQAB\",\"alg\":\"RS256\"}", out var rsa, out var error), error);
        Assert.Equal("urn:jkt:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", SignatureKeyAuthenticator.ThumbprintUrnPrefix + JwkThumbprint.ComputeSha256(rsa!));
        Assert.True(Jwk.TryParse("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + EcX + "\",\"y\":\"" + EcY + "\"}", out var ec, out _));
        Assert.NotEqual("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", JwkThumbprint.ComputeSha256(ec!));
    }

    [Fact]
    public void Jwks_uri_example_parameters()
    {
        var field = "sig=jwks_uri;id=\"https://client.example\";dwk=\"example-configuration\";kid=\"key-1\"";
        Assert.True(SignatureKeyField.TryGetMember(field, "sig", out var member, out _));
        Assert.Equal("jwks_uri", member.Scheme.ToString());
        Assert.Equal("https://client.example", member.GetString("id"));
        Assert.Equal("example-configuration", member.GetString("dwk"));
        Assert.Equal("key-1", member.GetString("kid"));
    }

    [Fact]
    public void Multiple_signatures_example_selects_the_member_of_the_label()
    {
        var field = "sig1=jwt;jwt=\"eyJ...\", sig2=jwks_uri;id=\"https://example.com\";dwk=\"eg-config\";kid=\"k1\"";
        Assert.True(SignatureKeyField.TryGetMember(field, "sig2", out var member, out _));
        Assert.Equal("jwks_uri", member.Scheme.ToString());
        Assert.Equal("k1", member.GetString("kid"));
        Assert.True(SignatureKeyField.TryGetMember(field, "sig1", out member, out _));
        Assert.Equal("eyJ...", member.GetString("jwt"));
    }

    [Theory]
    [InlineData("sig1=jwt;jwt=\"eyJhbGciOiJFZERTQSJ9...\";cache", "sig1", "jwt")]
    [InlineData("sig1=cached;cid=\"2f9c8a1e-a7b3\"", "sig1", "cached")]
    [InlineData("sig=x509;x5u=\"https://client.example/.well-known/cert.pem\";x5t=:bWcoon4QTVn8Q6xiY0ekMD6L8bNLMkuDV2KtvsFc1nM=:", "sig", "x509")]
    [InlineData("sig=self-jwt;jwt=\"eyJhbGciOiJFUzI1NiIsImtpZCI6InIxIn0...\"", "sig", "self-jwt")]
    [InlineData("sig=jwks;url=\"https://client.example/keys.jwks\";kid=\"key-1\"", "sig", "jwks")]
    public void Other_draft_examples_parse_to_their_scheme(string field, string label, string scheme)
    {
        Assert.True(SignatureKeyField.TryGetMember(field, label, out var member, out var error), error);
        Assert.Equal(scheme, member.Scheme.ToString());
    }

    [Fact]
    public void A_label_without_a_member_is_not_found_without_an_error()
    {
        Assert.False(SignatureKeyField.TryGetMember("other=hwk;kty=\"OKP\"", "sig", out _, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void A_repeated_label_keeps_its_last_value()
    {
        Assert.True(SignatureKeyField.TryGetMember("sig=jwt;jwt=\"a\", sig=hwk;kty=\"OKP\"", "sig", out var member, out _));
        Assert.Equal("hwk", member.Scheme.ToString());
    }

    [Theory]
    [InlineData("sig=hwk;kty=\"OKP\"x")]          // not a dictionary
    [InlineData("sig=(\"a\")")]                    // inner list, not a scheme token
    [InlineData("sig")]                             // boolean member
    [InlineData("sig=\"hwk\"")]                    // a string, not a token
    [InlineData("sig=hwk;kty=1")]                   // a parameter that is not a string
    [InlineData("sig=hwk;kty=OKP")]                 // a token parameter (the draft's values are strings)
    [InlineData("")]
    public void Malformed_members_are_refused_with_a_reason(string field)
    {
        Assert.False(SignatureKeyField.TryGetMember(field, "sig", out _, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData(";kty=\"OKP\";crv=\"Ed25519\";x=\"" + OkpX + "\"", "alg")]                                  // alg required (§3.4)
    [InlineData(";kty=\"OKP\";crv=\"Ed25519\";x=\"" + OkpX + "\";alg=\"EdDSA\"", "EdDSA")]                   // polymorphic (§3.3)
    [InlineData(";kty=\"OKP\";crv=\"Ed25519\";x=\"" + OkpX + "\";alg=\"Ed25519\";kid=\"k\"", "kid")]          // kid forbidden (§3.4)
    [InlineData(";kty=\"OKP\";crv=\"Ed25519\";x=\"" + OkpX + "\";alg=\"Ed25519\";d=\"" + OkpX + "\"", "'d'")] // private key
    [InlineData(";kty=\"oct\";k=\"c2VjcmV0\";alg=\"HS256\"", "'k'")]                                          // symmetric (§3.3)
    [InlineData(";kty=\"EC\";crv=\"P-256\";x=\"" + EcX + "\";y=\"" + EcY + "\";alg=\"ES384\"", "alg")]        // alg contradicts crv (§3.3)
    [InlineData(";kty=\"OKP\";crv=\"Ed25519\";x=\"AAAA\";alg=\"Ed25519\"", "32 bytes")]                     // not a key
    public void Unusable_inline_keys_are_refused(string parameters, string reason)
    {
        Assert.True(SignatureKeyField.TryGetMember("sig=hwk" + parameters, "sig", out var member, out _));
        Assert.False(member.TryCreateInlineJwk(out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_member_and_its_parameters_allocates_nothing()
    {
        var field = "sig=hwk;alg=\"Ed25519\";kty=\"OKP\";crv=\"Ed25519\";x=\"" + OkpX + "\", other=jwt;jwt=\"x\"";
        Read(field);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = Read(field);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(found);
        Assert.Equal(0, allocated);

        static bool Read(string field) =>
            SignatureKeyField.TryGetMember(field, "sig", out var member, out _) && member.TryGetRawString("x", out var x) && x.Length == 43
            && member.Scheme.SequenceEqual("hwk");
    }
}
