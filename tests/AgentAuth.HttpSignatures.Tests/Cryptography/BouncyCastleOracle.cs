using AgentAuth.HttpSignatures.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

/// <summary>
/// An Ed25519 implementation independent of libsodium and of this project's rules (BouncyCastle.Cryptography 2.7.0,
/// test-only) to cross-check the product's NSec path. Unlike Portable.BouncyCastle 1.8.10, which the removed fallback
/// backend used and which accepted small-order keys, its RFC 8032 verify refuses small-order keys and R values,
/// non-canonical encodings and S &gt;= L by itself, so it is used raw: no <see cref="Ed25519Encoding"/> check runs here.
/// </summary>
internal static class BouncyCastleOracle
{
    public static bool Verify(byte[] publicKey, byte[] message, byte[] signature) =>
        signature.Length == Ed25519Encoding.SignatureSize
        && publicKey.Length == Ed25519Encoding.PublicKeySize
        && Rfc8032.Verify(signature, 0, publicKey, 0, message, 0, message.Length);

    public static byte[] Sign(byte[] seed, byte[] message)
    {
        var signature = new byte[Ed25519Encoding.SignatureSize];
        Rfc8032.Sign(seed, 0, message, 0, message.Length, signature, 0);
        return signature;
    }
}
