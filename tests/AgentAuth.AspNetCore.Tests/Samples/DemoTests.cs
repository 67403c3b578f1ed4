using AgentAuth.Demo;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>The README's first command, run in-process: every scenario has its expected outcome and the exit code is 0.</summary>
public sealed class DemoTests
{
    private static readonly string[] s_scenarios =
    [
        "health check, no credentials",
        "no credentials on a protected endpoint",
        "signed request + bound token: who am I",
        "allowed read (read:data:*)",
        "replayed request (same signature, same nonce)",
        "per-id read (read:data:2)",
        "per-id scope, another id",
        "same resource via MVC controller",
        "write without the scope",
        "write with write:data:* (body digest signed)",
        "tampered body (changed after signing)",
        "bound token used without its key",
        "bound token signed with another key",
        "wrong audience",
        "DPoP-bound token (server nonce)",
        "web crawler (Web Bot Auth, signed directory)",
        "crawler naming an operator not allowed",
        "crawler on an agents-only endpoint",
        "AAuth pseudonymous agent (hwk): who am I",
        "AAuth pseudonymous agent on an identified-only endpoint",
        "AAuth identified agent (agent token in Signature-Key)",
        "AAuth scheme not enabled here (x509)",
        "LumoAuth agent, quick start (Agent-Auth)",
        "LumoAuth quick start replayed",
        "LumoAuth agent, SDK (base64url, no signature-key)",
        "MCP tools/list (read:data:2)",
        "MCP allowed tool (read:data:{id}, id 2)",
        "MCP forbidden tool (needs write:data:2)",
        "MCP step-up (token with write:data:2)",
    ];

    [Fact]
    public async Task Demo_tour_prints_every_scenario_with_its_expected_outcome_and_exits_zero()
    {
        using var output = new StringWriter();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var exitCode = await DemoTour.RunAsync(output, cancellation.Token);

        var text = output.ToString();
        Assert.True(exitCode == 0, text);
        var rows = text.Split('\n').Where(line => line.Contains(" | ", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.Equal(s_scenarios.Length, rows.Length);
        for (var i = 0; i < s_scenarios.Length; i++)
        {
            var cells = rows[i].Split(" | ").Select(c => c.Trim()).ToArray();
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(s_scenarios[i], cells[1]);
            Assert.EndsWith("ok", cells[4]);
            Assert.StartsWith(cells[3][..3], cells[4]);
        }
        Assert.Contains("403 insufficient_scope", rows[8]);
        // A signed request that carries a bound token reports signature and digest failures as the token's (the signature is the token's proof of possession).
        Assert.Contains("401 invalid_token", rows[10]);
        Assert.Contains("401 invalid_token", rows[12]);
        Assert.Contains("401 invalid_signature", rows[4]);
        Assert.Contains("401 invalid_token", rows[11]);
        Assert.Contains("401 invalid_token", rows[13]);
        Assert.Contains("mode dpop", rows[14]);
        // Issue 17: AAuth agents in the tour, pseudonymous (hwk) and identified (a token in Signature-Key).
        Assert.Contains("mode aauth, sub urn:jkt:sha-256:", rows[18]);
        Assert.Contains("403", rows[19]);
        Assert.Contains("mode aauth, sub agent:report-writer", rows[20]);
        Assert.Contains("401 unsupported_scheme", rows[21]);
        // Issue 18: both LumoAuth shapes accepted by the profile, a quick-start replay refused.
        Assert.Contains("mode httpsig+jwt", rows[22]);
        Assert.Contains("401 invalid_signature", rows[23]);
        Assert.Contains("mode httpsig+jwt", rows[24]);
        Assert.Contains("mode web-bot-auth, sub https://127.0.0.1:", rows[15]);
        Assert.Contains("401 unknown_key", rows[16]);
        Assert.Contains($"All {s_scenarios.Length} outcomes are the expected ones.", text);
    }
}
