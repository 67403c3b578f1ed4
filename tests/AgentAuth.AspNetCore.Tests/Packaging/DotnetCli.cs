using System.Diagnostics;
using System.Text;

namespace AgentAuth.AspNetCore.Tests.Packaging;

/// <summary>
/// Runs the <c>dotnet</c> CLI (pack, restore, build, publish) as a user would, outside the test's own build: no build
/// servers left behind, and none of the MSBuild variables the test host inherited from <c>dotnet test</c>.
/// </summary>
internal static class DotnetCli
{
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>The output lines that carry a coded warning (<c>warning IL2026:</c>, <c>warning NU1605:</c>, …).</summary>
        public IReadOnlyList<string> CodedWarnings =>
            Output.Split('\n').Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"\bwarning [A-Z]{2,}[0-9]{3,}\s*:")).Select(l => l.Trim()).Distinct().ToArray();
    }

    public static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static async Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Clean(start.Environment);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output)
            {
                return new Result(-1, $"dotnet {string.Join(' ', args)} did not finish within {timeout}:\n{output}");
            }
        }
        process.WaitForExit(); // drains the asynchronous output readers
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }

    /// <summary>
    /// Drops what <c>dotnet test</c> sets for its own MSBuild (SDK paths, node reuse) so a child build resolves its SDK
    /// from global.json like a fresh shell would.
    /// </summary>
    public static void Clean(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("MSBuild", StringComparison.Ordinal) ||
                name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                environment.Remove(name);
            }
        }
    }

    /// <summary>The output's last lines, for an assertion message.</summary>
    public static string Tail(string output, int lines = 60)
    {
        var all = output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
