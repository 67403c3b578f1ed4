using AgentAuth.HttpSignatures.Cryptography;
using NSec.Cryptography;
using static AgentAuth.HttpSignatures.Tests.Cryptography.Ed25519TestData;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

/// <summary>
/// Every Ed25519 case runs through the product's key (<see cref="Ed25519SignatureKey"/>: the key-load checks, then
/// NSec over the bundled libsodium) and is cross-checked against two oracles that must give the same, expected answer,
/// neither running the project's checks: BouncyCastle.Cryptography's independent RFC 8032 code, and raw NSec.
/// </summary>
public sealed class Ed25519Tests
{
    public static TheoryData<int> Vectors()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Rfc8032Vectors.Length; i++)
        {
            data.Add(i);
        }
        return data;
    }

    public static TheoryData<string> SmallOrder() => [.. SmallOrderPoints.Concat(NonCanonicalSmallOrderPoints)];

    public static TheoryData<string> NonCanonical() => [.. NonCanonicalY];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Rfc8032_vectors_derive_sign_and_verify(int index)
    {
        var (_, seedHex, publicKeyHex, messageHex, signatureHex) = Rfc8032Vectors[index];
        var seed = Hex(seedHex);
        var message = Hex(messageHex);

        var publicKey = new byte[32];
        Ed25519SignatureKey.DerivePublicKey(seed, publicKey);
        Assert.Equal(publicKeyHex, Convert.ToHexStringLower(publicKey));

        using var key = Ed25519SignatureKey.Create(publicKey, seed, null, null, out var error);
        Assert.True(key is not null, error);
        var signature = new byte[64];
        Assert.True(key.TrySign(message, signature, out var written));
        Assert.Equal(64, written);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(signature));
        Assert.Equal(signature, BouncyCastleOracle.Sign(seed, message));

        Assert.True(key.Verify(message, signature));
        AssertAllAgree(publicKey, message, signature, expected: true);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Rfc8032_vectors_reject_a_wrong_signature_or_message(int index)
    {
        var (_, _, publicKeyHex, messageHex, signatureHex) = Rfc8032Vectors[index];
        var publicKey = Hex(publicKeyHex);
        var message = Hex(messageHex);
        var signature = Hex(signatureHex);

        for (var bit = 0; bit < 512; bit += 37)
        {
            var tampered = (byte[])signature.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ProductVerify(publicKey, message, tampered));
            AssertAllAgree(publicKey, message, tampered, expected: false);
        }
        byte[] otherMessage = [.. message, 0x00];
        Assert.False(ProductVerify(publicKey, otherMessage, signature));
        Assert.False(ProductVerify(publicKey, message, signature.AsSpan(0, 63).ToArray()));
        Assert.False(ProductVerify(publicKey, message, [.. signature, 0]));
        Assert.False(ProductVerify(publicKey.AsSpan(0, 31).ToArray(), message, signature));
        Assert.False(ProductVerify(publicKey, message, []));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void S_plus_L_is_rejected(int index)
    {
        var (_, _, publicKeyHex, messageHex, signatureHex) = Rfc8032Vectors[index];
        var publicKey = Hex(publicKeyHex);
        var message = Hex(messageHex);
        var signature = Hex(signatureHex);

        // S + L is the same scalar mod L: a malleated signature that a lax verifier accepts.
        var malleated = (byte[])signature.Clone();
        AddLittleEndian(signature.AsSpan(32), Hex(GroupOrder)).CopyTo(malleated, 32);
        Assert.False(ProductVerify(publicKey, message, malleated));
        AssertAllAgree(publicKey, message, malleated, expected: false);

        // S = L exactly, and S = 2^256 - 1.
        var sEqualsL = (byte[])signature.Clone();
        Hex(GroupOrder).CopyTo(sEqualsL, 32);
        Assert.False(ProductVerify(publicKey, message, sEqualsL));
        AssertAllAgree(publicKey, message, sEqualsL, expected: false);
        var sMax = (byte[])signature.Clone();
        sMax.AsSpan(32).Fill(0xff);
        Assert.False(ProductVerify(publicKey, message, sMax));
        AssertAllAgree(publicKey, message, sMax, expected: false);
    }

    [Theory]
    [MemberData(nameof(SmallOrder))]
    public void Small_order_public_keys_are_rejected(string pointHex)
    {
        var publicKey = Hex(pointHex);
        var message = "hello"u8.ToArray();

        // The key is refused at load, with a reason, before any signature is looked at.
        Assert.Null(Ed25519SignatureKey.Create(publicKey, default, null, null, out var error));
        Assert.Equal("the Ed25519 public key is non-canonical or of small order", error);
        Assert.Throws<ArgumentException>(() => SignatureKey.CreateEd25519(publicKey));

        // With a small-order A and R = identity, S = 0, the cofactorless equation [S]B = R + [k]A can hold for
        // many messages; a strict verifier refuses the key outright.
        var identity = Hex(SmallOrderPoints[0]);
        byte[] forged = [.. identity, .. new byte[32]];
        Assert.False(ProductVerify(publicKey, message, forged));
        AssertAllAgree(publicKey, message, forged, expected: false);

        var vector = Rfc8032Vectors[0];
        Assert.False(ProductVerify(publicKey, Hex(vector.Message), Hex(vector.Signature)));
    }

    [Theory]
    [MemberData(nameof(SmallOrder))]
    public void Small_order_R_is_rejected(string pointHex)
    {
        var vector = Rfc8032Vectors[1];
        var publicKey = Hex(vector.PublicKey);
        var message = Hex(vector.Message);
        var signature = Hex(vector.Signature);
        Hex(pointHex).CopyTo(signature, 0);

        Assert.False(ProductVerify(publicKey, message, signature));
        AssertAllAgree(publicKey, message, signature, expected: false);
    }

    [Theory]
    [MemberData(nameof(NonCanonical))]
    public void Non_canonical_y_is_rejected_as_public_key_and_as_R(string pointHex)
    {
        var vector = Rfc8032Vectors[2];
        var message = Hex(vector.Message);

        Assert.Null(Ed25519SignatureKey.Create(Hex(pointHex), default, null, null, out _));
        Assert.False(ProductVerify(Hex(pointHex), message, Hex(vector.Signature)));
        AssertAllAgree(Hex(pointHex), message, Hex(vector.Signature), expected: false);

        var signature = Hex(vector.Signature);
        Hex(pointHex).CopyTo(signature, 0);
        Assert.False(ProductVerify(Hex(vector.PublicKey), message, signature));
        AssertAllAgree(Hex(vector.PublicKey), message, signature, expected: false);
    }

    [Fact]
    public void The_identity_forgery_is_refused_by_every_implementation()
    {
        // Portable.BouncyCastle 1.8.10 accepted this (A = R = identity, S = 0 satisfies [S]B = R + [k]A for every
        // message), which is why the project checks keys itself; BouncyCastle.Cryptography 2.7.0 and libsodium refuse it.
        var identity = Hex(SmallOrderPoints[0]);
        byte[] forged = [.. identity, .. new byte[32]];
        var message = "any message at all"u8.ToArray();
        Assert.False(Rfc8032.Verify(forged, 0, identity, 0, message, 0, message.Length));
        Assert.False(RawNsecVerify(identity, message, forged));
        Assert.False(ProductVerify(identity, message, forged));
    }

    [Fact]
    public void Nsec_imports_small_order_keys_so_the_key_load_check_matters()
    {
        // NSec's PublicKey.TryImport takes any 32 bytes as an Ed25519 key; only Verify (libsodium) refuses a
        // small-order one later. The project refuses it at load (Ed25519SignatureKey.Create), so a JWKS or directory
        // entry holding such a key is reported as invalid instead of becoming a key that never verifies.
        var message = "any message at all"u8.ToArray();
        var identity = Hex(SmallOrderPoints[0]);
        byte[] forged = [.. identity, .. new byte[32]];
        foreach (var point in SmallOrderPoints)
        {
            Assert.True(PublicKey.TryImport(SignatureAlgorithm.Ed25519, Hex(point), KeyBlobFormat.RawPublicKey, out var imported), point);
            Assert.False(SignatureAlgorithm.Ed25519.Verify(imported!, message, forged), point);
            Assert.Null(Ed25519SignatureKey.Create(Hex(point), default, null, null, out _));
        }
    }

    [Fact]
    public void Random_mutations_get_the_same_answer_from_every_implementation()
    {
        var random = new Random(9421);
        var vector = Rfc8032Vectors[3];
        var publicKey = Hex(vector.PublicKey);
        var message = Hex(vector.Message);
        var signature = Hex(vector.Signature);
        for (var i = 0; i < 300; i++)
        {
            var pk = (byte[])publicKey.Clone();
            var sig = (byte[])signature.Clone();
            switch (i % 4)
            {
                case 0: sig[random.Next(64)] = (byte)random.Next(256); break;
                case 1: pk[random.Next(32)] = (byte)random.Next(256); break;
                case 2: random.NextBytes(sig.AsSpan(0, 32)); break;
                default: random.NextBytes(pk); break;
            }
            var expected = pk.AsSpan().SequenceEqual(publicKey) && sig.AsSpan().SequenceEqual(signature);
            AssertAllAgree(pk, message, sig, expected);
        }
    }

    [Fact]
    public void Large_messages_round_trip()
    {
        var vector = Rfc8032Vectors[0];
        var seed = Hex(vector.Seed);
        var message = new byte[100_000];
        new Random(1).NextBytes(message);
        using var key = Ed25519SignatureKey.Create(Hex(vector.PublicKey), seed, null, null, out _)!;
        var signature = new byte[64];
        Assert.True(key.TrySign(message, signature, out _));
        AssertAllAgree(Hex(vector.PublicKey), message, signature, expected: true);
        Assert.Equal(signature, BouncyCastleOracle.Sign(seed, message)); // Ed25519 is deterministic
    }

    [Fact]
    public void Encoding_rules_match_the_expected_classification()
    {
        foreach (var point in SmallOrderPoints.Concat(NonCanonicalSmallOrderPoints))
        {
            Assert.True(Ed25519Encoding.HasSmallOrder(Hex(point)), point);
            Assert.False(Ed25519Encoding.IsAcceptablePublicKey(Hex(point)), point);
        }
        foreach (var point in NonCanonicalY)
        {
            Assert.False(Ed25519Encoding.IsCanonicalPoint(Hex(point)), point);
        }
        foreach (var vector in Rfc8032Vectors)
        {
            Assert.True(Ed25519Encoding.IsAcceptablePublicKey(Hex(vector.PublicKey)));
            Assert.True(Ed25519Encoding.IsCanonicalScalar(Hex(vector.Signature).AsSpan(32)));
        }
        Assert.False(Ed25519Encoding.IsCanonicalScalar(Hex(GroupOrder)));
    }

    [Fact]
    public void A_seed_that_does_not_match_the_public_key_is_refused()
    {
        var first = Rfc8032Vectors[0];
        var second = Rfc8032Vectors[1];
        Assert.Null(Ed25519SignatureKey.Create(Hex(first.PublicKey), Hex(second.Seed), null, null, out var error));
        Assert.Equal("the Ed25519 private seed does not match the public key", error);
        Assert.Null(Ed25519SignatureKey.Create(Hex(first.PublicKey), new byte[31], null, null, out error));
        Assert.Equal("an Ed25519 private seed is 32 bytes", error);
    }

    [Fact]
    public void Rfc9421_test_key_verifies_and_reproduces_its_vectors()
    {
        Assert.True(AgentAuth.HttpSignatures.Keys.Jwk.TryParse(
            AgentAuth.Testing.ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.jwk.json"), out var jwk, out _));
        using var fromJwk = AgentAuth.HttpSignatures.Keys.JwkKeyReader.Create(jwk!, null, out var error);
        Assert.NotNull(fromJwk);
        using var fromPem = PemKeyReader.Import(AgentAuth.Testing.ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.priv.pem"), null, null);
        using var fromPublicPem = PemKeyReader.Import(AgentAuth.Testing.ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.pub.pem"), null, null);

        using var vectors = AgentAuth.Testing.ConformanceFiles.ReadJson("rfc9421/vectors.json");
        var count = 0;
        foreach (var vector in vectors.RootElement.EnumerateArray())
        {
            if (vector.GetProperty("alg").GetString() != "ed25519" || !vector.GetProperty("expect_valid").GetBoolean())
            {
                continue;
            }
            var field = vector.GetProperty("signature").GetString()!;
            var signature = Convert.FromBase64String(field[(field.IndexOf('=') + 2)..field.LastIndexOf(':')]);
            var data = System.Text.Encoding.UTF8.GetBytes(vector.GetProperty("expected_signature_base").GetString()!);
            Assert.True(fromJwk.Verify(data, signature));
            Assert.True(fromPublicPem.Verify(data, signature));
            var again = new byte[64];
            Assert.True(fromPem.TrySign(data, again, out _));
            Assert.Equal(signature, again);
            AssertAllAgree(((Ed25519SignatureKey)fromJwk).PublicKey.ToArray(), data, signature, expected: true);
            data[0] ^= 1;
            AssertAllAgree(((Ed25519SignatureKey)fromJwk).PublicKey.ToArray(), data, signature, expected: false);
            count++;
        }
        Assert.True(count >= 5, "expected B.2.6 and the B.4 ed25519 vectors");
    }

    /// <summary>The product path: load the key (refused keys verify nothing), then verify.</summary>
    private static bool ProductVerify(byte[] publicKey, byte[] message, byte[] signature)
    {
        using var key = Ed25519SignatureKey.Create(publicKey, default, null, null, out _);
        return key is not null && key.Verify(message, signature);
    }

    /// <summary>NSec over the bundled libsodium with none of the project's checks.</summary>
    private static bool RawNsecVerify(byte[] publicKey, byte[] message, byte[] signature) =>
        PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var imported)
        && SignatureAlgorithm.Ed25519.Verify(imported!, message, signature);

    private static void AssertAllAgree(byte[] publicKey, byte[] message, byte[] signature, bool expected)
    {
        var product = ProductVerify(publicKey, message, signature);
        Assert.Equal(expected, product);
        Assert.Equal(expected, BouncyCastleOracle.Verify(publicKey, message, signature));
        Assert.Equal(expected, RawNsecVerify(publicKey, message, signature));
    }
}
