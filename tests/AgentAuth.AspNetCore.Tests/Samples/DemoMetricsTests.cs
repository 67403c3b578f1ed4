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
        // Every tour row answered 401 invalid_signature (the replayed request, the LumoAuth replay, ...) is one such
        // measurement; the DPoP client's first send gets use_dpop_nonce.
        var invalidSignatureRows = output.ToString().Split('\n').Count(l => l.Contains(" | ", StringComparison.Ordinal) && l.Contains("401 invalid_signature", StringComparison.Ordinal));
        Assert.True(invalidSignatureRows > 0);
        Assert.Contains($"{invalidSignatureRows} failure invalid_signature", line, StringComparison.Ordinal);
        Assert.Contains("1 failure use_dpop_nonce", line, StringComparison.Ordinal);
        Assert.Contains(" success", line, StringComparison.Ordinal);
    }
}
