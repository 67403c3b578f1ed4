using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.HttpSignatures.Tests.Cryptography.Ed25519TestData;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

/// <summary>Every Ed25519 case runs on both backends, and both must give the same, expected answer.</summary>
public sealed class Ed25519BackendTests
{
    public static TheoryData<Ed25519BackendKind> Backends => new() { Ed25519BackendKind.Libsodium, Ed25519BackendKind.BouncyCastle };

    public static TheoryData<Ed25519BackendKind, int> VectorsOnBackends()
    {
        var data = new TheoryData<Ed25519BackendKind, int>();
        foreach (var kind in new[] { Ed25519BackendKind.Libsodium, Ed25519BackendKind.BouncyCastle })
        {
            for (var i = 0; i < Rfc8032Vectors.Length; i++)
            {
                data.Add(kind, i);
            }
        }
        return data;
    }

    public static TheoryData<Ed25519BackendKind, string> SmallOrderOnBackends()
    {
        var data = new TheoryData<Ed25519BackendKind, string>();
        foreach (var kind in new[] { Ed25519BackendKind.Libsodium, Ed25519BackendKind.BouncyCastle })
        {
            foreach (var point in SmallOrderPoints.Concat(NonCanonicalSmallOrderPoints))
            {
                data.Add(kind, point);
            }
        }
        return data;
    }

    public static TheoryData<Ed25519BackendKind, string> NonCanonicalYOnBackends()
    {
        var data = new TheoryData<Ed25519BackendKind, string>();
        foreach (var kind in new[] { Ed25519BackendKind.Libsodium, Ed25519BackendKind.BouncyCastle })
        {
            foreach (var point in NonCanonicalY)
            {
                data.Add(kind, point);
            }
        }
        return data;
    }

    [Fact]
    public void Libsodium_loads_on_this_machine()
    {
        Assert.True(Ed25519Backend.IsLibsodiumAvailable, "libsodium.so.23 is expected to be installed (Debian libsodium23)");
    }

    [Theory]
    [MemberData(nameof(VectorsOnBackends))]
    public void Rfc8032_vectors_derive_sign_and_verify(Ed25519BackendKind kind, int index)
    {
        var backend = Ed25519Backend.Get(kind);
        var (_, seedHex, publicKeyHex, messageHex, signatureHex) = Rfc8032Vectors[index];
        var seed = Hex(seedHex);
        var message = Hex(messageHex);

        var publicKey = new byte[32];
        backend.DerivePublicKey(seed, publicKey);
        Assert.Equal(publicKeyHex, Convert.ToHexStringLower(publicKey));

        var signature = new byte[64];
        backend.Sign([.. seed, .. publicKey], message, signature);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(signature));

        Assert.True(backend.Verify(publicKey, message, signature));
        AssertBothBackends(publicKey, message, signature, expected: true);
    }

    [Theory]
    [MemberData(nameof(VectorsOnBackends))]
    public void Rfc8032_vectors_reject_a_wrong_signature_or_message(Ed25519BackendKind kind, int index)
    {
        var backend = Ed25519Backend.Get(kind);
        var (_, _, publicKeyHex, messageHex, signatureHex) = Rfc8032Vectors[index];
        var publicKey = Hex(publicKeyHex);
        var message = Hex(messageHex);
        var signature = Hex(signatureHex);

        for (var bit = 0; bit < 512; bit += 37)
        {
            var tampered = (byte[])signature.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(backend.Verify(publicKey, message, tampered));
            AssertBothBackends(publicKey, message, tampered, expected: false);
        }
        byte[] otherMessage = [.. message, 0x00];
        Assert.False(backend.Verify(publicKey, otherMessage, signature));
        Assert.False(backend.Verify(publicKey, message, signature.AsSpan(0, 63)));
        Assert.False(backend.Verify(publicKey, message, [.. signature, 0]));
        Assert.False(backend.Verify(publicKey.AsSpan(0, 31), message, signature));
        Assert.False(backend.Verify(publicKey, message, []));
    }

    [Theory]
    [MemberData(nameof(VectorsOnBackends))]
    public void S_plus_L_is_rejected(Ed25519BackendKind kind, int index)
    {
        var backend = Ed25519Backend.Get(kind);
        var (_, _, publicKeyHex, messageHex, signatureHex) = Rfc8032Vectors[index];
        var publicKey = Hex(publicKeyHex);
        var message = Hex(messageHex);
        var signature = Hex(signatureHex);

        // S + L is the same scalar mod L: a malleated signature that a lax verifier accepts.
        var malleated = (byte[])signature.Clone();
        AddLittleEndian(signature.AsSpan(32), Hex(GroupOrder)).CopyTo(malleated, 32);
        Assert.False(backend.Verify(publicKey, message, malleated));
        AssertBothBackends(publicKey, message, malleated, expected: false);

        // S = L exactly, and S = 2^256 - 1.
        var sEqualsL = (byte[])signature.Clone();
        Hex(GroupOrder).CopyTo(sEqualsL, 32);
        Assert.False(backend.Verify(publicKey, message, sEqualsL));
        var sMax = (byte[])signature.Clone();
        sMax.AsSpan(32).Fill(0xff);
        Assert.False(backend.Verify(publicKey, message, sMax));
    }

    [Theory]
    [MemberData(nameof(SmallOrderOnBackends))]
    public void Small_order_public_keys_are_rejected(Ed25519BackendKind kind, string pointHex)
    {
        var backend = Ed25519Backend.Get(kind);
        var publicKey = Hex(pointHex);
        var message = "hello"u8.ToArray();

        // With a small-order A and R = identity, S = 0, the cofactorless equation [S]B = R + [k]A can hold for
        // many messages; a strict verifier refuses the key outright.
        var identity = Hex(SmallOrderPoints[0]);
        byte[] forged = [.. identity, .. new byte[32]];
        Assert.False(backend.Verify(publicKey, message, forged));
        AssertBothBackends(publicKey, message, forged, expected: false);

        var vector = Rfc8032Vectors[0];
        Assert.False(backend.Verify(publicKey, Hex(vector.Message), Hex(vector.Signature)));
    }

    [Theory]
    [MemberData(nameof(SmallOrderOnBackends))]
    public void Small_order_R_is_rejected(Ed25519BackendKind kind, string pointHex)
    {
        var backend = Ed25519Backend.Get(kind);
        var vector = Rfc8032Vectors[1];
        var publicKey = Hex(vector.PublicKey);
        var message = Hex(vector.Message);
        var signature = Hex(vector.Signature);
        Hex(pointHex).CopyTo(signature, 0);

        Assert.False(backend.Verify(publicKey, message, signature));
        AssertBothBackends(publicKey, message, signature, expected: false);
    }

    [Theory]
    [MemberData(nameof(NonCanonicalYOnBackends))]
    public void Non_canonical_y_is_rejected_as_public_key_and_as_R(Ed25519BackendKind kind, string pointHex)
    {
        var backend = Ed25519Backend.Get(kind);
        var vector = Rfc8032Vectors[2];
        var message = Hex(vector.Message);

        Assert.False(backend.Verify(Hex(pointHex), message, Hex(vector.Signature)));
        AssertBothBackends(Hex(pointHex), message, Hex(vector.Signature), expected: false);

        var signature = Hex(vector.Signature);
        Hex(pointHex).CopyTo(signature, 0);
        Assert.False(backend.Verify(Hex(vector.PublicKey), message, signature));
        AssertBothBackends(Hex(vector.PublicKey), message, signature, expected: false);
    }

    [Fact]
    public void The_identity_forgery_passes_raw_BouncyCastle_so_the_pre_checks_matter()
    {
        // Documents why the BouncyCastle backend runs the libsodium rules first.
        var identity = Hex(SmallOrderPoints[0]);
        byte[] forged = [.. identity, .. new byte[32]];
        var message = "any message at all"u8.ToArray();
        Assert.True(Rfc8032.Verify(forged, 0, identity, 0, message, 0, message.Length));
        Assert.False(BouncyCastleEd25519Backend.Instance.Verify(identity, message, forged));
        Assert.False(LibsodiumEd25519Backend.Instance.Verify(identity, message, forged));
    }

    [Fact]
    public void Random_mutations_get_the_same_answer_from_both_backends()
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
            AssertBothBackends(pk, message, sig, expected);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Large_messages_round_trip(Ed25519BackendKind kind)
    {
        var backend = Ed25519Backend.Get(kind);
        var vector = Rfc8032Vectors[0];
        byte[] secretKey = [.. Hex(vector.Seed), .. Hex(vector.PublicKey)];
        var message = new byte[100_000];
        new Random(1).NextBytes(message);
        var signature = new byte[64];
        backend.Sign(secretKey, message, signature);
        AssertBothBackends(Hex(vector.PublicKey), message, signature, expected: true);
        var other = kind == Ed25519BackendKind.Libsodium ? BouncyCastleEd25519Backend.Instance : (IEd25519Backend)LibsodiumEd25519Backend.Instance;
        var otherSignature = new byte[64];
        other.Sign(secretKey, message, otherSignature);
        Assert.Equal(signature, otherSignature); // Ed25519 is deterministic
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

    [Theory]
    [MemberData(nameof(Backends))]
    public void Rfc9421_test_key_verifies_and_reproduces_its_vectors(Ed25519BackendKind kind)
    {
        var backend = Ed25519Backend.Get(kind);
        Assert.True(AgentAuth.HttpSignatures.Keys.Jwk.TryParse(
            AgentAuth.Testing.ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.jwk.json"), out var jwk, out _));
        using var fromJwk = AgentAuth.HttpSignatures.Keys.JwkKeyReader.Create(jwk!, null, backend, out var error);
        Assert.NotNull(fromJwk);
        using var fromPem = PemKeyReader.Import(AgentAuth.Testing.ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.priv.pem"), null, null, backend);
        using var fromPublicPem = PemKeyReader.Import(AgentAuth.Testing.ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.pub.pem"), null, null, backend);

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
            AssertBothBackends(((Ed25519SignatureKey)fromJwk).PublicKey.ToArray(), data, signature, expected: true);
            data[0] ^= 1;
            AssertBothBackends(((Ed25519SignatureKey)fromJwk).PublicKey.ToArray(), data, signature, expected: false);
            count++;
        }
        Assert.True(count >= 5, "expected B.2.6 and the B.4 ed25519 vectors");
    }

    private static void AssertBothBackends(byte[] publicKey, byte[] message, byte[] signature, bool expected)
    {
        var libsodium = LibsodiumEd25519Backend.Instance.Verify(publicKey, message, signature);
        var bouncyCastle = BouncyCastleEd25519Backend.Instance.Verify(publicKey, message, signature);
        Assert.Equal(libsodium, bouncyCastle);
        Assert.Equal(expected, libsodium);
    }
}
