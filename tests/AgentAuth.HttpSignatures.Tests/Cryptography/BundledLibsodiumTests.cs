using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

/// <summary>
/// Ed25519 runs on the libsodium that NSec's <c>libsodium</c> package puts in the app's <c>runtimes/</c> folder, never on
/// a system copy (Debian's <c>libsodium.so.23</c> may be installed on the same machine).
/// </summary>
public sealed class BundledLibsodiumTests
{
    [Fact]
    public void Ed25519_loads_the_libsodium_bundled_under_the_apps_runtimes_folder()
    {
        var vector = Ed25519TestData.Rfc8032Vectors[0];
        using var key = Ed25519SignatureKey.Create(Ed25519TestData.Hex(vector.PublicKey), Ed25519TestData.Hex(vector.Seed), null, null, out var error);
        Assert.True(key is not null, error);
        Assert.True(key.Verify(Ed25519TestData.Hex(vector.Message), Ed25519TestData.Hex(vector.Signature)));

        var loaded = LoadedLibsodiumPaths();
        Assert.NotEmpty(loaded);
        var runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes") + Path.DirectorySeparatorChar;
        foreach (var path in loaded)
        {
            Assert.True(path.StartsWith(runtimes, StringComparison.Ordinal),
                "libsodium was loaded from " + path + ", not from the bundled copy under " + runtimes);
        }
    }

    /// <summary>Every mapped file whose name starts with "libsodium" (Linux: /proc/self/maps; elsewhere the module list).</summary>
    private static List<string> LoadedLibsodiumPaths()
    {
        var paths = new List<string>();
        if (OperatingSystem.IsLinux())
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && Path.GetFileName(line.AsSpan(slash)).StartsWith("libsodium", StringComparison.Ordinal))
                {
                    var path = line[slash..];
                    if (!paths.Contains(path))
                    {
                        paths.Add(path);
                    }
                }
            }
            return paths;
        }
        foreach (System.Diagnostics.ProcessModule module in System.Diagnostics.Process.GetCurrentProcess().Modules)
        {
            if (module.ModuleName.StartsWith("libsodium", StringComparison.OrdinalIgnoreCase))
            {
                paths.Add(module.FileName);
            }
        }
        return paths;
    }
}
