using System.Reflection;

namespace AgentAuth.Testing;

/// <summary>
/// The README's test command runs every test: a missing prerequisite (conformance data, Node.js fixtures, PostgreSQL)
/// fails the test that needs it, saying what to install; it is never a skip. This holds the line in each test assembly.
/// </summary>
public sealed class NoSkippedTests
{
    [Fact]
    public void No_test_in_this_assembly_is_skipped()
    {
        var skipped = typeof(NoSkippedTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttributes<FactAttribute>(inherit: true).Any(fact => fact.Skip is not null))
            .Select(method => method.DeclaringType!.FullName + "." + method.Name)
            .ToArray();
        Assert.Empty(skipped);
    }
}
