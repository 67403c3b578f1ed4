using AgentAuth.Demo;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>The demo prints its tour's authentication counts from the scheme's <c>agentauth.authentications</c> metric.</summary>
public sealed class DemoMetricsTests
{
    [Fact]
    public async Task Demo_prints_the_tours_authentication_counts_from_the_schemes_metrics()
    {
        using var output = new StringWriter();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        Assert.Equal(0, await DemoTour.RunAsync(output, cancellation.Token));

        var line = Assert.Single(output.ToString().Split('\n'), l => l.StartsWith("Scheme metrics, agentauth.authentications: ", StringComparison.Ordinal));
        Assert.DoesNotContain(" | ", line, StringComparison.Ordinal);
        // The replayed request is the tour's one invalid_signature; the DPoP client's first send gets use_dpop_nonce.
        Assert.Contains("1 failure invalid_signature", line, StringComparison.Ordinal);
        Assert.Contains("1 failure use_dpop_nonce", line, StringComparison.Ordinal);
        Assert.Contains(" success", line, StringComparison.Ordinal);
    }
}
