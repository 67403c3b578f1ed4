using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Interop;

/// <summary>
/// Runs tests/interop/sign-request.mjs (the independent <c>http-message-signatures</c> package) with a JSON job.
/// Missing node or node_modules: fails under CI=true, otherwise the caller skips with <see cref="MissingReason"/>.
/// </summary>
internal static class NodeSigner
{
    private static readonly Lazy<string?> s_missing = new(FindMissing);

    public static string ScriptDirectory => Path.Combine(ConformanceFiles.RepositoryRoot, "tests", "interop");

    public static string? MissingReason => s_missing.Value;

    public static bool ShouldSkip()
    {
        if (MissingReason is null)
        {
            return false;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(MissingReason);
        }
        Console.WriteLine("SKIPPED: " + MissingReason);
        return true;
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
            return "tests/interop/node_modules is missing: run 'npm ci' in tests/interop.";
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            process.WaitForExit(10_000);
            return process.ExitCode == 0 ? null : "node --version failed.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not installed.";
        }
    }
}
