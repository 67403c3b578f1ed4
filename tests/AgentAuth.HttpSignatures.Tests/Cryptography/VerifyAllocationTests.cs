using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

/// <summary>Allocation (not timing) checks of the per-request verification paths.</summary>
public sealed class VerifyAllocationTests
{
    [Fact]
    public void Nsec_ed25519_verify_allocates_nothing()
    {
        var vector = Ed25519TestData.Rfc8032Vectors[2];
        var publicKey = Ed25519TestData.Hex(vector.PublicKey);
        using var key = Ed25519SignatureKey.Create(publicKey, default, null, null, out _)!;
        var message = Ed25519TestData.Hex(vector.Message);
        var signature = Ed25519TestData.Hex(vector.Signature);
        Assert.True(key.Verify(message, signature)); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = true;
        for (var i = 0; i < 100; i++)
        {
            ok &= key.Verify(message, signature);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ok);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Hmac_verify_and_content_digest_verify_allocate_nothing()
    {
        using var key = SignatureKey.CreateHmacSha256(new byte[32]);
        var data = "base"u8.ToArray();
        var signature = new byte[32];
        Assert.True(key.TrySign(data, signature, out _));
        var field = ContentDigest.Compute(data, DigestAlgorithm.Sha256) + ", " + ContentDigest.Compute(data, DigestAlgorithm.Sha512);
        Assert.True(key.Verify(data, signature));
        Assert.Equal(ContentDigestVerificationResult.Valid, ContentDigest.Verify(field, data));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = true;
        for (var i = 0; i < 100; i++)
        {
            ok &= key.Verify(data, signature);
            ok &= ContentDigest.Verify(field, data) == ContentDigestVerificationResult.Valid;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ok);
        Assert.Equal(0, allocated);
    }
}
