using System.Globalization;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// How many cases the property tests run. CI and ordinary runs use small defaults (about a minute in all);
/// <c>AGENTAUTH_FUZZ_CASES=1000000</c> runs the long campaign recorded in docs/security.md.
/// <c>AGENTAUTH_FUZZ_SEED</c> replays one campaign (the seed is printed by every run).
/// </summary>
internal static class FuzzSettings
{
    public const string CasesVariable = "AGENTAUTH_FUZZ_CASES";
    public const string SeedVariable = "AGENTAUTH_FUZZ_SEED";

    /// <summary>Cases for a property, <paramref name="defaultCases"/> unless the environment asks for more.</summary>
    public static int Cases(int defaultCases)
    {
        var value = Environment.GetEnvironmentVariable(CasesVariable);
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cases) && cases > 0 ? cases : defaultCases;
    }

    /// <summary>The campaign seed: from the environment, else fresh.</summary>
    public static ulong Seed()
    {
        var value = Environment.GetEnvironmentVariable(SeedVariable);
        return ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : (ulong)Random.Shared.NextInt64();
    }

    /// <summary>Where the long run writes its summary line (case count, duration, outcome counts), when set.</summary>
    public static string? ReportPath => Environment.GetEnvironmentVariable("AGENTAUTH_FUZZ_REPORT");
}
