using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentAuth.AspNetCore.Redis;

/// <summary>
/// The connection both Redis stores share: an existing <see cref="IConnectionMultiplexer"/> from the application (not
/// owned, never disposed here), or one made from <see cref="RedisStoreOptions.Configuration"/> on first use (owned).
/// Also the one place that bounds the time of a store operation and classifies Redis failures.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly IConnectionMultiplexer? _existing;
    private readonly ConfigurationOptions? _configuration;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private IConnectionMultiplexer? _owned;

    public RedisConnection(IOptions<RedisStoreOptions> options, TimeProvider timeProvider, ILogger<RedisConnection> logger, IConnectionMultiplexer? existing = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var value = options.Value;
        _existing = existing;
        _timeProvider = timeProvider;
        _logger = logger;
        OperationTimeout = value.OperationTimeout;
        if (existing is null)
        {
            _configuration = ConfigurationOptions.Parse(value.Configuration!);
            // The application starts, and requests fail closed, while Redis is down; the multiplexer reconnects by itself.
            _configuration.AbortOnConnectFail = false;
        }
        string prefix = value.KeyPrefix;
        ReplayPrefix = System.Text.Encoding.UTF8.GetBytes(prefix + "replay:");
        QuotaPrefix = System.Text.Encoding.UTF8.GetBytes(prefix + "replay-quota:");
        RevokedPrefix = System.Text.Encoding.UTF8.GetBytes(prefix + "revoked:");
    }

    public TimeSpan OperationTimeout { get; }

    public byte[] ReplayPrefix { get; }

    public byte[] QuotaPrefix { get; }

    public byte[] RevokedPrefix { get; }

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>The database to run commands on; connects on first use.</summary>
    public ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        var multiplexer = _existing ?? Volatile.Read(ref _owned);
        return multiplexer is not null
            ? new ValueTask<IDatabase>(multiplexer.GetDatabase())
            : ConnectAsync(cancellationToken);
    }

    private async ValueTask<IDatabase> ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_owned is null)
            {
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration!).ConfigureAwait(false);
                Volatile.Write(ref _owned, multiplexer);
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    var endpoints = string.Join(", ", (object[])multiplexer.GetEndPoints());
                    RedisStoreLog.Connected(_logger, endpoints);
                }
            }
            return _owned.GetDatabase();
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Runs one store operation, giving up after <see cref="OperationTimeout"/> (by the injected clock).</summary>
    public Task<TResult> RunAsync<TState, TResult>(TState state, Func<IDatabase, TState, Task<TResult>> operation, CancellationToken cancellationToken)
    {
        // The timeout covers connecting too: a first request while Redis is down must not wait for the multiplexer's
        // own connect timeout, nor a command for its backlog (which holds commands while it reconnects).
        var pending = RunCoreAsync(state, operation, cancellationToken);
        return pending.IsCompleted ? pending : pending.WaitAsync(OperationTimeout, _timeProvider, cancellationToken);
    }

    private async Task<TResult> RunCoreAsync<TState, TResult>(TState state, Func<IDatabase, TState, Task<TResult>> operation, CancellationToken cancellationToken)
    {
        var database = await GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        return await operation(database, state).ConfigureAwait(false);
    }

    /// <summary>Builds the Redis key <c>{prefix}{hex of SHA-256(value)}</c>: one array, no string.</summary>
    public static byte[] DigestKey(byte[] prefix, string value)
    {
        Span<byte> digest = stackalloc byte[Sha256Key.Size];
        Sha256Key.Compute(value, digest);
        var key = new byte[prefix.Length + (2 * Sha256Key.Size)];
        prefix.CopyTo(key, 0);
        var hex = key.AsSpan(prefix.Length);
        for (int i = 0; i < digest.Length; i++)
        {
            hex[2 * i] = HexDigit(digest[i] >> 4);
            hex[(2 * i) + 1] = HexDigit(digest[i] & 0xF);
        }
        return key;
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    /// <summary>Milliseconds from now until <paramref name="expiresAt"/>, rounded up and at least 1: an entry is never forgotten early, nor born expired.</summary>
    public long TtlMilliseconds(DateTimeOffset expiresAt)
    {
        long ticks = expiresAt.UtcTicks - _timeProvider.GetUtcNow().UtcTicks;
        if (ticks <= 0)
        {
            return 1;
        }
        return (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>Failures of the store, as opposed to the caller cancelling or a bug.</summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RedisException => true,
        TimeoutException => true,
        SocketException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The failure class reported in logs and the <c>error.type</c> metric tag.</summary>
    public static string ErrorTypeOf(Exception exception) => exception switch
    {
        RedisTimeoutException or TimeoutException or OperationCanceledException => "timeout",
        RedisConnectionException or SocketException or IOException => "connection",
        // The first word of a Redis error reply names its class (OOM, READONLY, NOSCRIPT, CROSSSLOT, …).
        RedisServerException server => ServerErrorClass(server.Message),
        _ => exception.GetType().FullName ?? "unknown",
    };

    private static string ServerErrorClass(string message)
    {
        int space = message.IndexOf(' ', StringComparison.Ordinal);
        var word = space > 0 ? message.AsSpan(0, space) : message.AsSpan();
        foreach (char c in word)
        {
            if (!char.IsAsciiLetterUpper(c))
            {
                return "server";
            }
        }
        return word.Length is > 0 and <= 16 ? word.ToString() : "server";
    }

    public async ValueTask DisposeAsync()
    {
        _connectGate.Dispose();
        if (_owned is not null)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _connectGate.Dispose();
        _owned?.Dispose();
    }
}
