using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using AgentAuth.Testing.ReplayStores;

namespace AgentAuth.AspNetCore.Redis.Tests.MultiInstance;

/// <summary>
/// One instance of a protected API: its own Kestrel server on loopback, its own DI container, key caches and Redis connection,
/// sharing only Redis (and, when given, the Data Protection key ring folder) with the other instances, as replicas behind a load balancer would. Every instance
/// serves the same public origin (<see cref="PublicOrigin"/>), so one signed request is valid at any of them.
/// </summary>
internal sealed class AgentApiInstance : IAsyncDisposable
{
    public const string PublicOrigin = SignedRequests.PublicOrigin;
    public const string Issuer = SignedRequests.Issuer;

    private readonly WebApplication _app;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<string> _logs;
    private long _replayStoreFailures;
    private long _revocationStoreFailures;
    private long _unavailableAuthentications;

    private AgentApiInstance(WebApplication app, ConcurrentQueue<string> logs)
    {
        _app = app;
        _logs = logs;
    }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Messages this instance logged at warning level or above.</summary>
    public IReadOnlyCollection<string> Warnings => _logs.ToArray();

    /// <summary>Measurements of <c>agentauth.replay_cache.failures</c> (recorded by the store).</summary>
    public long ReplayStoreFailures => Interlocked.Read(ref _replayStoreFailures);

    /// <summary>Measurements of <c>agentauth.revocation_store.failures</c> (recorded by the store).</summary>
    public long RevocationStoreFailures => Interlocked.Read(ref _revocationStoreFailures);

    /// <summary>
    /// Waits until the instance's Redis connection answers (a revocation lookup succeeds), so a test's first request does
    /// not race the multiplexer's connect on a loaded machine. Not for tests of an unreachable Redis.
    /// </summary>
    public async Task WaitForRedisAsync()
    {
        var store = _app.Services.GetRequiredService<IRevocationStore>();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.IsRevokedAsync("warm-up");
                return;
            }
            catch (RevocationStoreUnavailableException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Measurements of <c>agentauth.authentications</c> with error <c>temporarily_unavailable</c> (recorded by the handler).</summary>
    public long UnavailableAuthentications => Interlocked.Read(ref _unavailableAuthentications);

    public static async Task<AgentApiInstance> StartAsync(string redisConfiguration, string keyPrefix, SignatureKey agentKey, SignatureKey issuerKey,
        string? sharedKeyRing = null, bool requireDPoPNonce = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var logs = new ConcurrentQueue<string>();
        builder.Logging.AddProvider(new QueueLoggerProvider(logs));
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme)
            .AddAgentAuth(options =>
            {
                options.PublicOrigin = PublicOrigin;
                options.AgentKeys.JsonWebKeySet = "{\"keys\":[" + agentKey.ExportPublicJwkJson() + "]}";
                options.Audiences.Add(PublicOrigin);
                options.Issuers.Add(new TokenIssuerOptions { Issuer = Issuer, JsonWebKeySet = "{\"keys\":[" + issuerKey.ExportPublicJwkJson() + "]}" });
                options.DPoP.RequireNonce = requireDPoPNonce;
            })
            .AddAgentAuthRedis(redisConfiguration, options =>
            {
                options.KeyPrefix = keyPrefix;
                // A healthy server must not look down because the shared CI machine stalled a round trip past the
                // default 1 s; an unreachable one still fails at once (connectTimeout=200 in its configuration).
                options.OperationTimeout = TimeSpan.FromSeconds(10);
            });
        if (sharedKeyRing is not null)
        {
            // DPoP nonces are Data Protection payloads: instances accept each other's nonces only with one key ring and one application name.
            builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(sharedKeyRing)).SetApplicationName("agentauth-multi-instance-tests");
        }
        var app = builder.Build();
        app.UseAuthentication();
        app.Run(async context =>
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                await context.Response.WriteAsync("ok");
                return;
            }
            await context.ChallengeAsync();
        });

        var instance = new AgentApiInstance(app, logs);
        instance.ListenToMetrics(app.Services.GetRequiredService<IMeterFactory>());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        instance.Client = new HttpClient { BaseAddress = new Uri(address) };
        return instance;
    }

    private void ListenToMetrics(IMeterFactory factory)
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name is "agentauth.replay_cache.failures" or "agentauth.revocation_store.failures" or "agentauth.authentications")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "agentauth.replay_cache.failures")
            {
                Interlocked.Add(ref _replayStoreFailures, value);
                return;
            }
            if (instrument.Name == "agentauth.revocation_store.failures")
            {
                Interlocked.Add(ref _revocationStoreFailures, value);
                return;
            }
            foreach (var tag in tags)
            {
                if (tag.Key == "agentauth.error" && tag.Value is "temporarily_unavailable")
                {
                    Interlocked.Add(ref _unavailableAuthentications, value);
                }
            }
        });
        _meters.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _meters.Dispose();
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Writes warnings and errors (with their exception type) to the instance's queue.</summary>
    private sealed class QueueLoggerProvider(ConcurrentQueue<string> queue) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(queue, categoryName);

        public void Dispose()
        {
        }

        private sealed class QueueLogger(ConcurrentQueue<string> queue, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    queue.Enqueue(category + " " + eventId.Name + ": " + formatter(state, exception) + (exception is null ? "" : " (" + exception.GetType().Name + ")"));
                }
            }
        }
    }
}
