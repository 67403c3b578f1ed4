using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>The shared conformance data is required: without it the test fails, saying where to put it; never a skip.</summary>
internal static class ConformancePrerequisite
{
    public static void EnsureAvailable()
    {
        if (ConformanceFiles.Root is null)
        {
            Assert.Fail(ConformanceFiles.MissingReason);
        }
    }
}
