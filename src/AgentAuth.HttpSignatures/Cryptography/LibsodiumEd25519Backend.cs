namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// Ed25519 through libsodium. <c>crypto_sign_verify_detached</c> in libsodium 1.0.18 already enforces the strict
/// rules of <see cref="Ed25519Encoding"/>; verification pins the caller's spans and allocates nothing.
/// </summary>
internal sealed unsafe class LibsodiumEd25519Backend : IEd25519Backend
{
    public static readonly LibsodiumEd25519Backend Instance = new();

    private LibsodiumEd25519Backend()
    {
    }

    public Ed25519BackendKind Kind => Ed25519BackendKind.Libsodium;

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519Encoding.PublicKeySize || signature.Length != Ed25519Encoding.SignatureSize)
        {
            return false;
        }
        byte empty = 0;
        fixed (byte* pk = publicKey)
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        {
            // An empty span pins to null; give libsodium a valid pointer anyway.
            var msg = message.IsEmpty ? &empty : m;
            return LibsodiumInterop.CryptoSignVerifyDetached(sig, msg, (ulong)message.Length, pk) == 0;
        }
    }

    public void Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (secretKey.Length != Ed25519Encoding.SecretKeySize || signature.Length < Ed25519Encoding.SignatureSize)
        {
            throw new ArgumentException("Ed25519 signing needs a 64-byte secret key and a 64-byte destination.");
        }
        byte empty = 0;
        ulong written;
        fixed (byte* sk = secretKey)
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        {
            var msg = message.IsEmpty ? &empty : m;
            if (LibsodiumInterop.CryptoSignDetached(sig, &written, msg, (ulong)message.Length, sk) != 0)
            {
                throw new System.Security.Cryptography.CryptographicException("crypto_sign_detached failed");
            }
        }
    }

    public void DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        if (seed.Length != Ed25519Encoding.SeedSize || publicKey.Length < Ed25519Encoding.PublicKeySize)
        {
            throw new ArgumentException("Ed25519 key derivation needs a 32-byte seed and a 32-byte destination.");
        }
        Span<byte> secretKey = stackalloc byte[Ed25519Encoding.SecretKeySize];
        try
        {
            fixed (byte* s = seed)
            fixed (byte* pk = publicKey)
            fixed (byte* sk = secretKey)
            {
                if (LibsodiumInterop.CryptoSignSeedKeypair(pk, sk, s) != 0)
                {
                    throw new System.Security.Cryptography.CryptographicException("crypto_sign_seed_keypair failed");
                }
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secretKey);
        }
    }
}
