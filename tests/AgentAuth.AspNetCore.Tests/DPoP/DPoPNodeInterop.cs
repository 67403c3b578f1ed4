using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.Testing;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>
/// Runs <c>tests/interop/dpop-proof.mjs</c> (panva/dpop and panva/jose, pinned in package.json) to make proofs with
/// code this project did not write. Without Node.js or <c>node_modules</c> the tests skip with a message, except
/// under <c>CI=true</c>, where they run and fail.
/// </summary>
internal static class DPoPNodeInterop
{
    private static readonly Lazy<string?> s_missingReason = new(FindMissingReason);

    public static string InteropDirectory => Path.Combine(ConformanceFiles.RepositoryRoot, "tests", "interop");

    /// <summary>Why the fixture cannot run here, or <see langword="null"/> when it can (always under CI).</summary>
    public static string? SkipReason =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? null : s_missingReason.Value;

    public sealed record Proof(string Value, JsonObject Jwk, string Jkt);

    public static async Task<Proof> CreateProofAsync(string alg, string htm, string htu, string accessToken, string? nonce = null)
    {
        var job = new JsonObject { ["alg"] = alg, ["htm"] = htm, ["htu"] = htu, ["accessToken"] = accessToken, ["nonce"] = nonce };
        var start = new ProcessStartInfo("node", "dpop-proof.mjs")
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        await process.StandardInput.WriteAsync(job.ToJsonString());
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, "dpop-proof.mjs failed: " + await stderr);

        var result = JsonNode.Parse(await stdout)!.AsObject();
        return new Proof(result["proof"]!.GetValue<string>(), result["jwk"]!.AsObject(), result["jkt"]!.GetValue<string>());
    }

    private static string? FindMissingReason()
    {
        var modules = Path.Combine(InteropDirectory, "node_modules", "dpop");
        if (!Directory.Exists(modules))
        {
            return "Node interop fixtures not installed: run 'npm ci' in tests/interop (required under CI=true).";
        }
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            node!.WaitForExit(10_000);
            return node.ExitCode == 0 ? null : "node --version failed; install Node.js 20+ (required under CI=true).";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "Node.js is not on PATH; install Node.js 20+ (required under CI=true).";
        }
    }
}

/// <summary>A theory that skips, with the reason, when the Node interop fixture cannot run outside CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NodeInteropTheoryAttribute : TheoryAttribute
{
    public NodeInteropTheoryAttribute()
    {
        if (DPoPNodeInterop.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that skips, with the reason, when the Node interop fixture cannot run outside CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NodeInteropFactAttribute : FactAttribute
{
    public NodeInteropFactAttribute()
    {
        if (DPoPNodeInterop.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
