using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.Testing;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>
/// Runs <c>tests/interop/dpop-proof.mjs</c> (panva/dpop and panva/jose, pinned in package.json) to make proofs with
/// code this project did not write. Without Node.js or <c>node_modules</c> the tests fail with what to install
/// (./test.sh installs both); they are never skipped.
/// </summary>
internal static class DPoPNodeInterop
{
    private static readonly Lazy<string?> s_missingReason = new(FindMissingReason);

    public static string InteropDirectory => Path.Combine(ConformanceFiles.RepositoryRoot, "tests", "interop");

    /// <summary>Why the fixture cannot run here (what to install), or <see langword="null"/> when it can.</summary>
    public static string? MissingReason => s_missingReason.Value;

    /// <summary>Fails the test, saying what to install, when Node.js or the npm fixtures are missing.</summary>
    public static void EnsureAvailable()
    {
        if (MissingReason is { } missing)
        {
            Assert.Fail(missing);
        }
    }

    public sealed record Proof(string Value, JsonObject Jwk, string Jkt);

    public static async Task<Proof> CreateProofAsync(string alg, string htm, string htu, string accessToken, string? nonce = null)
    {
        var job = new JsonObject { ["alg"] = alg, ["htm"] = htm, ["htu"] = htu, ["accessToken"] = accessToken, ["nonce"] = nonce };
        var result = await RunScriptAsync("dpop-proof.mjs", job);
        return new Proof(result["proof"]!.GetValue<string>(), result["jwk"]!.AsObject(), result["jkt"]!.GetValue<string>());
    }

    /// <summary>
    /// Runs one interop script of tests/interop (after <see cref="EnsureAvailable"/>): the job as JSON on stdin, one JSON
    /// object back on stdout; a failing script fails the test with its stderr.
    /// </summary>
    public static async Task<JsonObject> RunScriptAsync(string script, JsonObject job)
    {
        EnsureAvailable();
        var start = new ProcessStartInfo("node", script)
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
        Assert.True(process.ExitCode == 0, script + " failed: " + await stderr);
        return JsonNode.Parse(await stdout)!.AsObject();
    }

    private static string? FindMissingReason()
    {
        foreach (var package in new[] { "dpop", "jose", "http-message-signatures", "@hellocoop/httpsig" })
        {
            if (!Directory.Exists(Path.Combine(InteropDirectory, "node_modules", package)))
            {
                return $"Node interop fixtures not installed (node_modules/{package} is missing): run ./test.sh, or 'npm ci' in tests/interop.";
            }
        }
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            node!.WaitForExit(10_000);
            return node.ExitCode == 0 ? null : "node --version failed; install Node.js 20+ (Debian: nodejs npm; ./test.sh installs them).";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "Node.js is not on PATH; install Node.js 20+ (Debian: nodejs npm; ./test.sh installs them).";
        }
    }
}
