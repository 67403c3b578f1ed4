using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// The scheme in a real ASP.NET Core pipeline (<c>UseAuthentication</c>, then a terminal that challenges unauthenticated
/// requests), run in-process over <see cref="DefaultHttpContext"/>: no sockets, so property tests can push hundreds of
/// thousands of requests through the handler. The agent key, the issuer key and the clock are fixed per app.
/// </summary>
internal sealed class SecurityApp : IAsyncDisposable
{
    public const string Authority = "api.example";
    public static readonly DateTimeOffset Now = TestTokens.Now;

    /// <summary>The agent's Ed25519 key, published in the app's inline agent JWKS as <c>agent-1</c>.</summary>
    public static readonly SignatureKey AgentKey = SignatureKey.GenerateEd25519("agent-1");

    /// <summary>A second agent key the app trusts (<c>agent-2</c>), for substitution attacks.</summary>
    public static readonly SignatureKey OtherAgentKey = SignatureKey.GenerateEd25519("agent-2");

    /// <summary>A key the app does not know.</summary>
    public static readonly SignatureKey StrangerKey = SignatureKey.GenerateEd25519("agent-1");

    /// <summary>The token issuer's Ed25519 signing key (<c>issuer-1</c>).</summary>
    public static readonly SignatureKey IssuerKey = SignatureKey.GenerateEd25519("issuer-1");

    private readonly ServiceProvider _services;
    private readonly RequestDelegate _pipeline;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<(string Name, long Value, string? Error)> _measurements = new();

    private SecurityApp(ServiceProvider services, RequestDelegate pipeline, FakeTimeProvider time, LogCapture logs)
    {
        _services = services;
        _pipeline = pipeline;
        Time = time;
        Logs = logs;
        var factory = services.GetRequiredService<IMeterFactory>();
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument is Counter<long>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? error = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "agentauth.error")
                {
                    error = tag.Value as string;
                }
            }
            _measurements.Enqueue((instrument.Name, value, error));
        });
        _meters.Start();
    }

    public FakeTimeProvider Time { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => _services;

    public static string AgentJwks(params SignatureKey[] keys) =>
        TestTokens.Jwks(keys.Length == 0
            ? [TestTokens.PublicJwk(AgentKey, null), TestTokens.PublicJwk(OtherAgentKey, null)]
            : keys.Select(k => TestTokens.PublicJwk(k, null)).ToArray());

    public static SecurityApp Create(Action<AgentAuthOptions>? configure = null, Action<IServiceCollection>? services = null, LogLevel logLevel = LogLevel.Debug)
    {
        var time = new FakeTimeProvider(Now);
        var logs = new LogCapture();
        var collection = new ServiceCollection();
        // Property runs keep only warnings and errors, so a million requests do not fill memory with log lines.
        collection.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(logLevel));
        collection.AddSingleton<TimeProvider>(time);
        collection.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth(options =>
        {
            options.AgentKeys.JsonWebKeySet = AgentJwks();
            options.Audiences.Add(TestTokens.Audience);
            options.Issuers.Add(new TokenIssuerOptions
            {
                Issuer = TestTokens.Issuer,
                JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(IssuerKey, null)),
            });
            configure?.Invoke(options);
        });
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();

        var app = new ApplicationBuilder(provider);
        app.UseAuthentication();
        app.Run(async context =>
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                await context.Response.WriteAsync(context.User.FindFirst(AgentAuthClaimTypes.AuthenticationMode)?.Value ?? "?");
                return;
            }
            await context.ChallengeAsync();
        });
        return new SecurityApp(provider, app.Build(), time, logs);
    }

    /// <summary>Measurements of this app's counters (name, value, <c>agentauth.error</c> tag).</summary>
    public IReadOnlyList<(string Name, long Value, string? Error)> Measurements => _measurements.ToArray();

    public async Task<SecurityResponse> SendAsync(TestRequest request, CancellationToken cancellationToken = default)
    {
        if (!IsOriginFormTarget(request.Target))
        {
            // Kestrel answers 400 itself (a fragment, a space or a control character in the target); the handler never sees it.
            return new SecurityResponse(StatusCodes.Status400BadRequest, new HeaderDictionary(), "rejected by the server");
        }
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var http = context.Request;
        http.Method = request.Method;
        http.Scheme = request.Scheme;
        // As Kestrel does: the Host field as received (HttpRequest.Host parses it on read).
        http.Headers.Host = request.Authority;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = request.Target;
        var query = request.Target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? request.Target : request.Target[..query];
        http.Path = PathString.FromUriComponent(path);
        http.QueryString = query < 0 ? QueryString.Empty : QueryString.FromUriComponent(request.Target[query..]);
        foreach (var header in request.Headers)
        {
            http.Headers.Append(header.Key, header.Value);
        }
        if (request.Body is not null)
        {
            http.Body = new MemoryStream(request.Body, writable: false);
            http.ContentLength = request.Body.Length;
        }
        var body = new MemoryStream();
        context.Response.Body = body;
        context.RequestAborted = cancellationToken;

        await _pipeline(context);
        return new SecurityResponse(context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static bool IsOriginFormTarget(string target)
    {
        if (!target.StartsWith('/'))
        {
            return false;
        }
        foreach (var c in target)
        {
            if (c <= ' ' || c == '\u007f' || c == '#')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A token from the app's trusted issuer; <paramref name="edit"/> changes claims (for example <c>cnf</c>).</summary>
    public static string Token(Action<JsonObject>? edit = null, SignatureKey? signer = null, string alg = "Ed25519", JsonObject? header = null)
    {
        var claims = TestTokens.Claims();
        edit?.Invoke(claims);
        signer ??= IssuerKey;
        return TestTokens.Mint(signer, alg, claims, header ?? TestTokens.Header(alg, signer.KeyId));
    }

    /// <summary>A token bound by <c>cnf.jkt</c> to <paramref name="key"/>.</summary>
    public static string BoundToken(SignatureKey key, Action<JsonObject>? edit = null) => Token(claims =>
    {
        claims["cnf"] = new JsonObject { ["jkt"] = key.Thumbprint };
        edit?.Invoke(claims);
    });

    public async ValueTask DisposeAsync()
    {
        _meters.Dispose();
        await _services.DisposeAsync();
    }
}

/// <summary>What the pipeline answered.</summary>
internal sealed record SecurityResponse(int Status, IHeaderDictionary Headers, string Body)
{
    public string? SignatureError => Headers.TryGetValue("Signature-Error", out var v) ? v.ToString() : null;

    public string WwwAuthenticate => string.Join(" | ", Headers.WWWAuthenticate.ToArray());

    public override string ToString() => $"{Status} Signature-Error: {SignatureError}; WWW-Authenticate: {WwwAuthenticate}";
}

/// <summary>Collects log events (category, level, event id, message) for assertions.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message)> _events = new();

    public IReadOnlyList<(string Category, LogLevel Level, EventId Id, string Message)> Events => _events.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner._events.Enqueue((category, logLevel, eventId, formatter(state, exception) + (exception is null ? "" : " | " + exception)));
    }
}
