using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentAuth.AspNetCore.Redis.Tests.Infrastructure;

/// <summary>
/// A throw-away <c>redis-server</c> (Debian package <c>redis-server</c>) on a free 127.0.0.1 port: no persistence, no
/// config file, killed on dispose. A missing binary fails the test saying what to install; it is never a skip.
/// </summary>
internal sealed class PrivateRedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private PrivateRedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=5000";

    public static string? MissingReason =>
        FindBinary() is null ? "redis-server was not found on PATH: install the Debian package redis-server (./test.sh does when it is absent)." : null;

    public static async Task<PrivateRedisServer> StartAsync()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(MissingReason);
        InvalidOperationException? last = null;
        // A port picked free can be taken before the server binds it; try a few.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int port = GetFreePort();
            var start = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning",
            })
            {
                start.ArgumentList.Add(argument);
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new PrivateRedisServer(process, port);
            if (await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30)))
            {
                return server;
            }
            last = new InvalidOperationException($"redis-server did not answer PING on 127.0.0.1:{port}.");
            await server.DisposeAsync();
        }
        throw last!;
    }

    /// <summary>Sends one inline command and returns the first line of the reply (tests only).</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        int read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd('\r', '\n');
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                return false;
            }
            try
            {
                if (await CommandAsync("PING") == "+PONG")
                {
                    return true;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }
            await Task.Delay(50);
        }
        return false;
    }

    private static string? FindBinary()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/sbin"))
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, "redis-server")))
            {
                return Path.Combine(directory, "redis-server");
            }
        }
        return null;
    }

    internal static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
