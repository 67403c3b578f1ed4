using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>P/Invoke declarations for the libsodium functions the Ed25519 backend uses.</summary>
internal static unsafe partial class LibsodiumInterop
{
    public const string LibraryName = "libsodium.so.23";

    [LibraryImport(LibraryName, EntryPoint = "sodium_init")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int SodiumInit();

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_verify_detached")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int CryptoSignVerifyDetached(byte* signature, byte* message, ulong messageLength, byte* publicKey);

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_detached")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int CryptoSignDetached(byte* signature, ulong* signatureLength, byte* message, ulong messageLength, byte* secretKey);

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_seed_keypair")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int CryptoSignSeedKeypair(byte* publicKey, byte* secretKey, byte* seed);

    /// <summary>
    /// Loads the library and checks every export before any P/Invoke runs, so a missing or incomplete
    /// libsodium is detected here instead of surfacing as a <see cref="DllNotFoundException"/> later.
    /// </summary>
    public static bool TryInitialize(out string? failure)
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(LibsodiumInterop).Assembly, null, out var handle))
        {
            failure = LibraryName + " could not be loaded";
            return false;
        }
        string[] exports = ["sodium_init", "crypto_sign_verify_detached", "crypto_sign_detached", "crypto_sign_seed_keypair"];
        foreach (var export in exports)
        {
            if (!NativeLibrary.TryGetExport(handle, export, out _))
            {
                failure = LibraryName + " does not export " + export;
                return false;
            }
        }
        if (SodiumInit() < 0)
        {
            failure = "sodium_init failed";
            return false;
        }
        failure = null;
        return true;
    }
}
