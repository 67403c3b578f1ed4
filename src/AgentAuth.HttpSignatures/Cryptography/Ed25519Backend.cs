namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// Chooses the Ed25519 implementation: libsodium when <c>libsodium.so.23</c> loads, Portable.BouncyCastle otherwise.
/// The environment variable <c>AGENTAUTH_ED25519_BACKEND</c> (<c>libsodium</c> or <c>bouncycastle</c>) forces one;
/// <see cref="Current"/> can be set in code (tests, benchmarks). A key binds the backend that is current when
/// the key is created. Both backends accept and reject exactly the same signatures.
/// </summary>
public static class Ed25519Backend
{
    /// <summary>The environment variable that forces a backend.</summary>
    public const string EnvironmentVariable = "AGENTAUTH_ED25519_BACKEND";

    private static readonly Lazy<string?> s_libsodiumFailure = new(() =>
        LibsodiumInterop.TryInitialize(out var failure) ? null : failure ?? "libsodium unavailable");

    private static readonly object s_gate = new();
    private static IEd25519Backend? s_current;

    /// <summary>Whether libsodium loaded and initialised on this machine.</summary>
    public static bool IsLibsodiumAvailable => s_libsodiumFailure.Value is null;

    /// <summary>
    /// The backend used by Ed25519 keys created from now on. Reading it resolves the default (environment
    /// variable, then libsodium if available). Setting <see cref="Ed25519BackendKind.Libsodium"/> when the library
    /// is absent throws <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The forced backend is unavailable or the environment variable is invalid.</exception>
    public static Ed25519BackendKind Current
    {
        get => Resolve().Kind;
        set
        {
            var backend = Get(value);
            lock (s_gate)
            {
                s_current = backend;
            }
        }
    }

    internal static IEd25519Backend Resolve()
    {
        var current = Volatile.Read(ref s_current);
        if (current is not null)
        {
            return current;
        }
        lock (s_gate)
        {
            s_current ??= ResolveDefault();
            return s_current;
        }
    }

    /// <summary>The backend of the given kind; throws when libsodium is requested but absent.</summary>
    internal static IEd25519Backend Get(Ed25519BackendKind kind) => kind switch
    {
        Ed25519BackendKind.Libsodium => IsLibsodiumAvailable
            ? LibsodiumEd25519Backend.Instance
            : throw new InvalidOperationException(
                "The libsodium Ed25519 backend was requested but " + s_libsodiumFailure.Value
                + ". Install libsodium23 or select the BouncyCastle backend."),
        Ed25519BackendKind.BouncyCastle => BouncyCastleEd25519Backend.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown Ed25519 backend."),
    };

    private static IEd25519Backend ResolveDefault() =>
        FromSetting(Environment.GetEnvironmentVariable(EnvironmentVariable), s_libsodiumFailure.Value);

    /// <summary>
    /// Applies an <c>AGENTAUTH_ED25519_BACKEND</c> value. <paramref name="libsodiumFailure"/> is null when libsodium
    /// loaded, else why it did not; forcing libsodium then fails with that reason instead of silently falling back.
    /// </summary>
    internal static IEd25519Backend FromSetting(string? setting, string? libsodiumFailure)
    {
        var value = setting?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return libsodiumFailure is null ? LibsodiumEd25519Backend.Instance : BouncyCastleEd25519Backend.Instance;
        }
        if (value.Equals("libsodium", StringComparison.OrdinalIgnoreCase))
        {
            return libsodiumFailure is null
                ? LibsodiumEd25519Backend.Instance
                : throw new InvalidOperationException(
                    EnvironmentVariable + "=libsodium but " + libsodiumFailure + ". Install libsodium23 or select bouncycastle.");
        }
        if (value.Equals("bouncycastle", StringComparison.OrdinalIgnoreCase))
        {
            return BouncyCastleEd25519Backend.Instance;
        }
        throw new InvalidOperationException(EnvironmentVariable + " must be 'libsodium' or 'bouncycastle' (was '" + setting + "').");
    }
}
