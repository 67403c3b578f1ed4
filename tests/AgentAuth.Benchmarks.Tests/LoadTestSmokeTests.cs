using AgentAuth.Benchmarks.Load;

namespace AgentAuth.Benchmarks.Tests;

/// <summary>
/// Runs the end-to-end load generator once, small, against the sample resource API on Kestrel: both phases must complete
/// every request with 200, and the replayed request at the end must be refused. No timing is asserted.
/// </summary>
public sealed class LoadTestSmokeTests
{
    [Fact]
    public async Task The_load_test_runs_against_the_sample_with_no_failures()
    {
        var settings = new LoadSettings(TimeSpan.FromSeconds(30), Requests: 200, Concurrency: 4, OutputPath: null);

        var result = await LoadTest.RunAsync(settings);

        Assert.Equal(0, result.Failures);
        Assert.Equal(200, result.Anonymous.Completed);
        Assert.Equal(200, result.AgentAuth.Completed);
        Assert.True(result.BareVerifyNs > 0);
        Assert.Contains("`GET /whoami`", result.ToMarkdown(settings), StringComparison.Ordinal);
    }
}
