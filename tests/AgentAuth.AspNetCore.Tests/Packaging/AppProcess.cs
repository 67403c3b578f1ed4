using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentAuth.AspNetCore.Tests.Packaging;

/// <summary>
/// An application started as its own process on loopback (a built app, a native executable), with its output kept for
/// assertion messages. Disposing kills it and everything it started.
/// </summary>
internal sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waits = [];

    private AppProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AppProcess Start(string fileName, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
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
        DotnetCli.Clean(start.Environment);
        // The app's own settings decide, not those of the test host (ASPNETCORE_ENVIRONMENT, URLs).
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || n.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }
        var app = new AppProcess(new Process { StartInfo = start });
        app._process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits for an output line matching <paramref name="pattern"/>; fails with the output so far when the app exits or the time runs out.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                if (regex.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }
            _waits.Add((regex, found));
        }
        var exited = _process.WaitForExitAsync();
        var winner = await Task.WhenAny(found.Task, exited, Task.Delay(timeout));
        if (winner == found.Task)
        {
            return await found.Task;
        }
        var why = winner == exited ? $"exited with code {_process.ExitCode}" : $"printed no line matching '{pattern}' within {timeout}";
        Assert.Fail($"{_process.StartInfo.FileName} {why}. Output:\n{DotnetCli.Tail(Output)}");
        throw new InvalidOperationException("unreachable");
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var (pattern, found) in _waits)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    found.TrySetResult(match);
                }
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        _process.Dispose();
    }
}
