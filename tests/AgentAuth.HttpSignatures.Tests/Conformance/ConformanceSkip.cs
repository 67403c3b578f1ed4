using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>Conformance data missing: fail under CI=true, otherwise report why the test did nothing.</summary>
internal static class ConformanceSkip
{
    public static bool ShouldSkip()
    {
        if (ConformanceFiles.Root is not null)
        {
            return false;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(ConformanceFiles.MissingReason);
        }
        Console.WriteLine("SKIPPED: " + ConformanceFiles.MissingReason);
        return true;
    }
}
