using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentAuth.AspNetCore;
using AgentAuth.Benchmarks.Infrastructure;
using AgentAuth.HttpSignatures;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.Benchmarks;

/// <summary>
/// "replay-stores": a signed request with a nonce, its nonce checked in Redis, paired against the same request with the
/// in-memory store (docs/performance.md, "Redis replay store"). Both run the production path, partition and per-key quota
/// included (the Redis side is its one Lua script round trip); each check records a fresh value, so neither store answers
/// "replay". Starts its own redis-server on a free loopback port (Debian package redis-server), or uses AGENTAUTH_REDIS.
/// </summary>
public static class ReplayStoreRatios
{
    public static async Task<string> ReportAsync()
    {
        var external = Environment.GetEnvironmentVariable("AGENTAUTH_REDIS");
        using var server = external is null ? LocalRedisServer.Start() : null;
        var configuration = external ?? server!.Configuration;

        var memoryServices = new ServiceCollection();
        memoryServices.AddSingleton(TimeProvider.System);
        memoryServices.TryAddAgentAuthReplayCache();
        // Large enough that the run never fills it: the figure is the check, not the capacity.
        memoryServices.Configure<MemoryReplayCacheOptions>(o => o.SizeLimit = 10_000_000);
        await using var memoryProvider = memoryServices.BuildServiceProvider();
        var redisServices = new ServiceCollection();
        redisServices.AddSingleton(TimeProvider.System);
        redisServices.AddAgentAuthRedis(configuration, o => o.KeyPrefix = "bench-" + Guid.NewGuid().ToString("N")[..8] + ":");
        await using var redisProvider = redisServices.BuildServiceProvider();

        await using var memory = await AuthenticationHarness.CreateAsync(new FreshValueReplayCache(memoryProvider.GetRequiredService<IReplayCache>()));
        await using var redis = await AuthenticationHarness.CreateAsync(new FreshValueReplayCache(redisProvider.GetRequiredService<IReplayCache>()));
        var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Query };
        RequestTemplate Request(AuthenticationHarness harness) =>
            RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full")
                .Sign(harness.Credentials.AgentKey, "sig1", components, new SignatureParameters { Nonce = "bench-nonce-0001" });
        var memoryRequest = Request(memory);
        var redisRequest = Request(redis);
        await memory.AssertSucceedsAsync(memoryRequest);
        await redis.AssertSucceedsAsync(redisRequest);

        Task Memory() => memory.AuthenticateAsync(memoryRequest);
        Task Redis() => redis.AuthenticateAsync(redisRequest);
        var noise = await PairedRatios.MeasureAsync(Memory, Memory);
        var ratio = await PairedRatios.MeasureAsync(Redis, Memory);
        // Per-request wall time of each, interleaved in rounds, for the absolute cost of the round trip.
        var (memoryUs, redisUs) = await MeanWallMicrosecondsAsync(Memory, Redis, rounds: 40, batch: 50);
        await memory.AssertSucceedsAsync(memoryRequest);
        await redis.AssertSucceedsAsync(redisRequest);

        var text = new StringBuilder();
        text.AppendLine("| paired ratio (median of interleaved rounds) | thread CPU time | wall time |").AppendLine("|---|---|---|");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| signed request, nonce in memory / itself (noise) | {noise.Cpu:0.000} | {noise.Wall:0.000} |"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| signed request, nonce in Redis / nonce in memory | {ratio.Cpu:0.000} | {ratio.Wall:0.000} |"));
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Mean wall time per request (2000 each, interleaved): in-memory store {memoryUs:0.0} µs, Redis store {redisUs:0.0} µs; the Redis round trip adds {redisUs - memoryUs:0.0} µs per request."));
        return text.ToString();
    }

    private static async Task<(double First, double Second)> MeanWallMicrosecondsAsync(Func<Task> first, Func<Task> second, int rounds, int batch)
    {
        double a = 0, b = 0;
        for (int r = 0; r < rounds; r++)
        {
            var start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                await first();
            }
            a += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                await second();
            }
            b += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return (a / (rounds * batch), b / (rounds * batch));
    }

    /// <summary>
    /// Passes every check to the real store with a value never seen before (the request's nonce plus a counter), so one
    /// signed request can be authenticated again and again while the store does its full work. The partition rotates every
    /// 5000 values so the per-key quota (10 000 by default) is never what answers.
    /// </summary>
    private sealed class FreshValueReplayCache(IReplayCache inner) : IReplayCache
    {
        private long _counter;

        public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            inner.TryAddAsync(Fresh(key, out _), expiresAt, cancellationToken);

        public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, string partition, CancellationToken cancellationToken = default)
        {
            var value = Fresh(key, out var n);
            return inner.TryAddAsync(value, expiresAt, partition + ":" + (n / 5000).ToString(CultureInfo.InvariantCulture), cancellationToken);
        }

        private string Fresh(string key, out long n)
        {
            n = Interlocked.Increment(ref _counter);
            return key + ":" + n.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A redis-server on a free loopback port, no persistence, killed on dispose.</summary>
    private sealed class LocalRedisServer : IDisposable
    {
        private readonly Process _process;

        private LocalRedisServer(Process process, int port)
        {
            _process = process;
            Configuration = $"127.0.0.1:{port},abortConnect=false";
        }

        public string Configuration { get; }

        public static LocalRedisServer Start()
        {
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            {
                start.ArgumentList.Add(argument);
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (install the Debian package redis-server).");
            process.OutputDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    return new LocalRedisServer(process, port);
                }
                catch (SocketException)
                {
                    Thread.Sleep(50);
                }
            }
            process.Kill();
            throw new InvalidOperationException($"redis-server did not listen on 127.0.0.1:{port}.");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
            _process.Dispose();
        }
    }
}
