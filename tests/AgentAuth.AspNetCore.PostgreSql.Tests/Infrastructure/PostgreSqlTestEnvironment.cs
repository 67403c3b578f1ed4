namespace AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;

/// <summary>
/// Decides where the PostgreSQL tests get a server: <c>AGENTAUTH_POSTGRES_CONNECTION</c> when set, otherwise a
/// private cluster started from the highest <c>/usr/lib/postgresql/*/bin</c>. Under <c>CI=true</c> nothing is
/// skipped: a missing or broken server fails the tests.
/// </summary>
internal static class PostgreSqlTestEnvironment
{
    public const string ConnectionVariable = "AGENTAUTH_POSTGRES_CONNECTION";
    public const string BinariesRoot = "/usr/lib/postgresql";

    private static readonly Lazy<string?> s_binDirectory = new(FindBinDirectory);
    private static readonly Lazy<string?> s_skipReason = new(ComputeSkipReason);

    public static string? ExternalConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(ConnectionVariable);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>bin</c> folder of the highest installed PostgreSQL version, or null.</summary>
    public static string? BinDirectory => s_binDirectory.Value;

    /// <summary>Why the PostgreSQL tests are skipped here, or null when they run (always null under CI=true).</summary>
    public static string? SkipReason => s_skipReason.Value;

    private static string? ComputeSkipReason()
    {
        if (ExternalConnectionString is not null || IsCi || BinDirectory is not null)
        {
            return null;
        }
        return $"PostgreSQL server binaries (initdb, pg_ctl) not found under {BinariesRoot}/*/bin. " +
               $"Install the Debian 'postgresql' package or set {ConnectionVariable} to a connection string.";
    }

    private static string? FindBinDirectory()
    {
        if (!Directory.Exists(BinariesRoot))
        {
            return null;
        }
        string? best = null;
        Version? bestVersion = null;
        foreach (var versionDirectory in Directory.EnumerateDirectories(BinariesRoot))
        {
            var name = Path.GetFileName(versionDirectory);
            if (!Version.TryParse(name.Contains('.') ? name : name + ".0", out var version))
            {
                continue;
            }
            var bin = Path.Combine(versionDirectory, "bin");
            if (!File.Exists(Path.Combine(bin, "initdb")) || !File.Exists(Path.Combine(bin, "pg_ctl")))
            {
                continue;
            }
            if (bestVersion is null || version > bestVersion)
            {
                best = bin;
                bestVersion = version;
            }
        }
        return best;
    }
}
