using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on a free 127.0.0.1 port
/// with its socket in that folder, trust authentication for the superuser <c>postgres</c>. <c>initdb</c> refuses to
/// run as root, so as root the server commands run as the <c>postgres</c> system user (from the Debian package)
/// through <c>runuser</c>, and the folder is handed to that user.
/// </summary>
internal sealed class PrivatePostgreSqlCluster : IAsyncDisposable
{
    public const string SuperUser = "postgres";
    private const string SystemUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _runAsSystemUser;
    private bool _started;

    private PrivatePostgreSqlCluster(string binDirectory, string root, bool runAsSystemUser)
    {
        _binDirectory = binDirectory;
        _root = root;
        _runAsSystemUser = runAsSystemUser;
    }

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string SocketDirectory => Path.Combine(_root, "socket");

    private string LogFile => Path.Combine(_root, "server.log");

    public static async Task<PrivatePostgreSqlCluster> StartAsync(string binDirectory)
    {
        bool runAsSystemUser = GetEffectiveUserId() == 0;
        // The server user must be able to reach the folder: root's TMPDIR may be private, /tmp never is.
        var tempRoot = runAsSystemUser && Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        var root = Path.Combine(tempRoot, "agentauth-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var cluster = new PrivatePostgreSqlCluster(binDirectory, root, runAsSystemUser);
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            try
            {
                await RunServerCommandAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Deleting the folder below still removes the cluster's files; the server, if alive, exits once its data is gone.
            }
        }
        try
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(SocketDirectory);
        if (_runAsSystemUser)
        {
            await RunAsync("chown", ["-R", SystemUser + ":", _root]);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await RunServerCommandAsync("initdb",
            ["-D", DataDirectory, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"]);

        // A port picked free can be taken before the server binds it; try a few.
        InvalidOperationException? last = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            Port = GetFreePort();
            var serverOptions =
                $"-p {Port} -k '{SocketDirectory}' -c listen_addresses=127.0.0.1 -c max_connections=300 " +
                "-c shared_buffers=32MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            try
            {
                await RunServerCommandAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", "-o", serverOptions, "start"]);
                _started = true;
                return;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
            }
        }
        throw new InvalidOperationException("PostgreSQL did not start. Server log:\n" + ReadLog(), last);
    }

    private string ReadLog()
    {
        try
        {
            return File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";
        }
        catch (IOException ex)
        {
            return "(log unreadable: " + ex.Message + ")";
        }
    }

    private Task RunServerCommandAsync(string tool, IReadOnlyList<string> arguments)
    {
        var executable = Path.Combine(_binDirectory, tool);
        if (!_runAsSystemUser)
        {
            return RunAsync(executable, arguments);
        }
        var wrapped = new List<string>(arguments.Count + 4) { "-u", SystemUser, "--", executable };
        wrapped.AddRange(arguments);
        return RunAsync("runuser", wrapped);
    }

    private async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user may not be able to enter the test's working directory.
            WorkingDirectory = _root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
        }
        if (process.ExitCode != 0)
        {
            var message = new StringBuilder()
                .Append(fileName).Append(' ').AppendJoin(' ', arguments)
                .Append(" exited with ").Append(process.ExitCode).AppendLine()
                .AppendLine(await stdout)
                .AppendLine(await stderr);
            throw new InvalidOperationException(message.ToString());
        }
    }

    private static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEffectiveUserId();
}
