using System.Text.Json;

namespace AgentAuth.Testing;

/// <summary>
/// Locates the shared conformance data (<c>../shared/conformance</c> beside the repository, or
/// <c>AGENTAUTH_CONFORMANCE_DIR</c>). A missing folder fails the test with <see cref="MissingReason"/>; it is never a skip.
/// </summary>
internal static class ConformanceFiles
{
    private static readonly Lazy<string?> s_root = new(FindRoot);

    public static string? Root => s_root.Value;

    public static string MissingReason =>
        "Conformance data not found: put the shared folder beside the repository or set AGENTAUTH_CONFORMANCE_DIR.";

    /// <summary>Full path of a file under the conformance folder; throws (fails the test) when the data is missing.</summary>
    public static string PathOf(string relative)
    {
        var root = Root ?? throw new InvalidOperationException(MissingReason);
        var path = Path.Combine(root, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException("Conformance file missing: " + path, path);
        }
        return path;
    }

    public static string ReadText(string relative) => File.ReadAllText(PathOf(relative));

    public static JsonDocument ReadJson(string relative) => JsonDocument.Parse(File.ReadAllBytes(PathOf(relative)));

    /// <summary>The repository root (the folder holding AgentAuth.AspNetCore.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AgentAuth.AspNetCore.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
        }
    }

    private static string? FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("AGENTAUTH_CONFORMANCE_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? env : null;
        }
        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "conformance"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
