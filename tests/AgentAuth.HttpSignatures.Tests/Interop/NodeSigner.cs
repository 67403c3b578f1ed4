using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Interop;

/// <summary>
/// Runs tests/interop/sign-request.mjs (the independent <c>http-message-signatures</c> package) with a JSON job.
/// Missing node or node_modules fails the test with <see cref="MissingReason"/> (what to install); never a skip.
/// </summary>
internal static class NodeSigner
{
    private static readonly Lazy<string?> s_missing = new(FindMissing);

    public static string ScriptDirectory => Path.Combine(ConformanceFiles.RepositoryRoot, "tests", "interop");

    public static string? MissingReason => s_missing.Value;

    /// <summary>Fails the test, saying what to install, when Node.js or the npm fixtures are missing.</summary>
    public static void EnsureAvailable()
    {
        if (MissingReason is { } missing)
        {
            Assert.Fail(missing);
        }
    }

    public static JsonNode Sign(JsonObject job)
    {
        var start = new ProcessStartInfo("node", "sign-request.mjs")
        {
            WorkingDirectory = ScriptDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(job.ToJsonString());
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "node sign-request.mjs timed out");
        Assert.True(process.ExitCode == 0, "node sign-request.mjs failed: " + stderr.Result);
        return JsonNode.Parse(stdout.Result)!;
    }

    private static string? FindMissing()
    {
        if (!Directory.Exists(Path.Combine(ScriptDirectory, "node_modules", "http-message-signatures")))
        {
            return "Node interop fixtures not installed (tests/interop/node_modules/http-message-signatures is missing): run ./test.sh, or 'npm ci' in tests/interop.";
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            process.WaitForExit(10_000);
            return process.ExitCode == 0 ? null : "node --version failed; install Node.js 20+ (Debian: nodejs npm; ./test.sh installs them).";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "Node.js is not on PATH; install Node.js 20+ (Debian: nodejs npm; ./test.sh installs them).";
        }
    }
}
