using System.Buffers;
using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// Ed25519 through Portable.BouncyCastle's static RFC 8032 functions (cheaper than <c>Ed25519Signer</c>).
/// BouncyCastle accepts small-order keys and R values that libsodium refuses, so the libsodium rules of
/// <see cref="Ed25519Encoding"/> run first; both backends then accept exactly the same inputs.
/// </summary>
internal sealed class BouncyCastleEd25519Backend : IEd25519Backend
{
    public static readonly BouncyCastleEd25519Backend Instance = new();

    private BouncyCastleEd25519Backend()
    {
    }

    public Ed25519BackendKind Kind => Ed25519BackendKind.BouncyCastle;

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519Encoding.SignatureSize
            || !Ed25519Encoding.IsAcceptablePublicKey(publicKey)
            || Ed25519Encoding.HasSmallOrder(signature[..32])
            || !Ed25519Encoding.IsCanonicalScalar(signature[32..]))
        {
            return false;
        }

        // One pooled array: signature | public key | message, because BouncyCastle takes arrays and offsets.
        const int Header = Ed25519Encoding.SignatureSize + Ed25519Encoding.PublicKeySize;
        var buffer = ArrayPool<byte>.Shared.Rent(Header + message.Length);
        try
        {
            signature.CopyTo(buffer);
            publicKey.CopyTo(buffer.AsSpan(Ed25519Encoding.SignatureSize));
            message.CopyTo(buffer.AsSpan(Header));
            return Rfc8032.Verify(buffer, 0, buffer, Ed25519Encoding.SignatureSize, buffer, Header, message.Length);
        }
        catch (ArgumentException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (secretKey.Length != Ed25519Encoding.SecretKeySize || signature.Length < Ed25519Encoding.SignatureSize)
        {
            throw new ArgumentException("Ed25519 signing needs a 64-byte secret key and a 64-byte destination.");
        }
        // secret key (seed | public key) | message | signature
        var length = Ed25519Encoding.SecretKeySize + message.Length + Ed25519Encoding.SignatureSize;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            secretKey.CopyTo(buffer);
            message.CopyTo(buffer.AsSpan(Ed25519Encoding.SecretKeySize));
            var signatureOffset = Ed25519Encoding.SecretKeySize + message.Length;
            Rfc8032.Sign(buffer, 0, buffer, Ed25519Encoding.SeedSize, buffer, Ed25519Encoding.SecretKeySize, message.Length, buffer, signatureOffset);
            buffer.AsSpan(signatureOffset, Ed25519Encoding.SignatureSize).CopyTo(signature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        if (seed.Length != Ed25519Encoding.SeedSize || publicKey.Length < Ed25519Encoding.PublicKeySize)
        {
            throw new ArgumentException("Ed25519 key derivation needs a 32-byte seed and a 32-byte destination.");
        }
        var buffer = new byte[Ed25519Encoding.SeedSize + Ed25519Encoding.PublicKeySize];
        try
        {
            seed.CopyTo(buffer);
            Rfc8032.GeneratePublicKey(buffer, 0, buffer, Ed25519Encoding.SeedSize);
            buffer.AsSpan(Ed25519Encoding.SeedSize).CopyTo(publicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
