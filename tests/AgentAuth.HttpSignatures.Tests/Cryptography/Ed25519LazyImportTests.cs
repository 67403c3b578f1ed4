using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

/// <summary>
/// A public-only Ed25519 key (a JWKS entry) is imported into NSec on its first verification, not at load. What load
/// rejects stays rejected at load, and the first verifications, even concurrent ones, give the same answers as later ones.
/// </summary>
public sealed class Ed25519LazyImportTests
{
    [Fact]
    public async Task Concurrent_first_verifications_of_a_public_only_key_all_verify()
    {
        for (var round = 0; round < 20; round++)
        {
            var vector = Ed25519TestData.Rfc8032Vectors[round % Ed25519TestData.Rfc8032Vectors.Length];
            using var key = Ed25519SignatureKey.Create(Ed25519TestData.Hex(vector.PublicKey), default, null, null, out var error);
            Assert.NotNull(key);
            Assert.Null(error);
            var message = Ed25519TestData.Hex(vector.Message);
            var signature = Ed25519TestData.Hex(vector.Signature);
            var tampered = (byte[])signature.Clone();
            tampered[^1] ^= 1;
            using var start = new ManualResetEventSlim();
            var tasks = new Task<(bool Good, bool Bad)>[8];
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = Task.Run(() =>
                {
                    start.Wait();
                    return (key.Verify(message, signature), key.Verify(message, tampered));
                });
            }
            start.Set();
            foreach (var (good, bad) in await Task.WhenAll(tasks))
            {
                Assert.True(good);
                Assert.False(bad);
            }
        }
    }

    [Fact]
    public void A_small_order_public_key_is_still_rejected_at_load()
    {
        var identity = new byte[32];
        identity[0] = 1; // the neutral point: canonical, order 1
        Assert.Null(Ed25519SignatureKey.Create(identity, default, null, null, out var error));
        Assert.Equal("the Ed25519 public key is non-canonical or of small order", error);
    }

    [Fact]
    public void A_key_with_a_seed_still_checks_the_seed_at_load()
    {
        var vector = Ed25519TestData.Rfc8032Vectors[0];
        var other = Ed25519TestData.Rfc8032Vectors[1];
        Assert.Null(Ed25519SignatureKey.Create(Ed25519TestData.Hex(vector.PublicKey), Ed25519TestData.Hex(other.Seed), null, null, out var error));
        Assert.Equal("the Ed25519 private seed does not match the public key", error);
        Assert.Null(Ed25519SignatureKey.Create(Ed25519TestData.Hex(vector.PublicKey), new byte[31], null, null, out error));
        Assert.Equal("an Ed25519 private seed is 32 bytes", error);
    }
}
