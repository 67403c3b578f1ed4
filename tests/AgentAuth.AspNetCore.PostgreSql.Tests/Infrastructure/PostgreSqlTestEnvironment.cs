namespace AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;

/// <summary>
/// Decides where the PostgreSQL tests get a server: <c>AGENTAUTH_POSTGRES_CONNECTION</c> when set, otherwise a
/// private cluster started from the highest <c>/usr/lib/postgresql/*/bin</c>. Nothing is ever skipped: without either,
/// the tests fail with <see cref="MissingReason"/>, which says what to install (./test.sh installs it).
/// </summary>
internal static class PostgreSqlTestEnvironment
{
    public const string ConnectionVariable = "AGENTAUTH_POSTGRES_CONNECTION";
    public const string BinariesRoot = "/usr/lib/postgresql";

    private static readonly Lazy<string?> s_binDirectory = new(FindBinDirectory);
    private static readonly Lazy<string?> s_missingReason = new(ComputeMissingReason);

    public static string? ExternalConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(ConnectionVariable);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }
    }

    /// <summary>The <c>bin</c> folder of the highest installed PostgreSQL version, or null.</summary>
    public static string? BinDirectory => s_binDirectory.Value;

    /// <summary>Why no PostgreSQL server can be had here (what to install), or null when the tests can run.</summary>
    public static string? MissingReason => s_missingReason.Value;

    private static string? ComputeMissingReason()
    {
        if (ExternalConnectionString is not null || BinDirectory is not null)
        {
            return null;
        }
        return $"PostgreSQL server binaries (initdb, pg_ctl) not found under {BinariesRoot}/*/bin. " +
               $"Install the Debian 'postgresql' package (./test.sh does) or set {ConnectionVariable} to a connection string.";
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
