using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// A minimal app with the AgentAuth scheme on a test server (or real Kestrel on 127.0.0.1 when the raw request target matters),
/// a <see cref="FakeTimeProvider"/> registered as the app's <see cref="TimeProvider"/>, and a log sink. Endpoints:
/// <c>/anonymous</c> (reports the authentication result), <c>/protected</c> (any method; requires an authenticated user; reads the
/// body and returns it with the principal as JSON).
/// </summary>
internal sealed class HandlerHost : IAsyncDisposable
{
    public const string Origin = "http://localhost";

    private HandlerHost(WebApplication app, HttpClient client, FakeTimeProvider time, LogSink logs, Uri baseAddress)
    {
        App = app;
        Client = client;
        Time = time;
        Logs = logs;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public LogSink Logs { get; }

    public Uri BaseAddress { get; }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public static async Task<HandlerHost> StartAsync(
        Action<AgentAuthOptions> configure,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? beforeAuthentication = null,
        bool kestrel = false,
        FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(TestTokens.Now);
        var logs = new LogSink();
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(time);
        services?.Invoke(builder.Services);
        builder.Services.AddAuthentication().AddAgentAuth(configure);
        builder.Services.AddAuthorization();

        var app = builder.Build();
        beforeAuthentication?.Invoke(app);
        app.UseAgentAuth();
        app.MapGet("/anonymous", async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync();
            return Results.Text(result.None ? "none" : result.Succeeded ? "success" : "failure");
        });
        app.MapGet("/ticket", async (HttpContext context) =>
        {
            // What the scheme put in the ticket's properties (JwtBearer sets ExpiresUtc from the token).
            var result = await context.AuthenticateAsync();
            return Results.Text(!result.Succeeded ? "failure"
                : result.Properties?.ExpiresUtc is { } expires ? expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) : "no-expiry");
        });
        app.MapMethods("/protected", ["GET", "POST", "PUT", "DELETE"], async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            return Results.Text(Describe(context.User, body).ToJsonString(), "application/json");
        }).RequireAuthorization();

        await app.StartAsync();
        HttpClient client;
        Uri baseAddress;
        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            baseAddress = new Uri(address);
            client = new HttpClient { BaseAddress = baseAddress };
        }
        else
        {
            client = app.GetTestClient();
            baseAddress = client.BaseAddress!;
        }
        return new HandlerHost(app, client, time, logs, baseAddress);
    }

    /// <summary>The principal as JSON: authentication type, claims as [type, value] pairs, and the actor chain.</summary>
    public static JsonObject Describe(ClaimsPrincipal user, string? body)
    {
        var identity = (ClaimsIdentity)user.Identity!;
        var actors = new JsonArray();
        for (var actor = identity.Actor; actor is not null; actor = actor.Actor)
        {
            actors.Add(ClaimsArray(actor));
        }
        return new JsonObject
        {
            ["authenticationType"] = identity.AuthenticationType,
            ["name"] = identity.Name,
            ["claims"] = ClaimsArray(identity),
            ["actors"] = actors,
            ["body"] = body,
        };
    }

    private static JsonArray ClaimsArray(ClaimsIdentity identity)
    {
        var claims = new JsonArray();
        foreach (var claim in identity.Claims)
        {
            claims.Add(new JsonArray(claim.Type, claim.Value));
        }
        return claims;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => await Client.SendAsync(request);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Collects every log line of a host (category, event, level, formatted message, exception text).</summary>
internal sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record LogLine(string Category, EventId EventId, LogLevel Level, string Message, string? Exception);

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            // Structured values too: a token could hide in a parameter the message template does not show.
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var pair in values)
                {
                    text += " | " + pair.Key + "=" + pair.Value;
                }
            }
            sink.Lines.Enqueue(new LogLine(category, eventId, logLevel, text, exception?.ToString()));
        }
    }
}

/// <summary>Exact-response assertions for the scheme's answers.</summary>
internal static class ResponseAssert
{
    public const string AcceptSignatureDefault = "sig1=(\"@method\" \"@authority\" \"@path\");created";
    public const string DPoPAlgsChallenge = "DPoP algs=\"EdDSA Ed25519 ES256 ES384 PS256 RS256\"";

    public static string[] Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            return values.ToArray();
        }
        if (response.Content.Headers.NonValidated.TryGetValues(name, out var contentValues))
        {
            return contentValues.ToArray();
        }
        return [];
    }

    /// <summary>Asserts status, the exact <c>WWW-Authenticate</c> challenges in order, <c>Signature-Error</c>, <c>Accept-Signature</c> and <c>Cache-Control: no-store</c>.</summary>
    public static void Challenge(HttpResponseMessage response, HttpStatusCode status, string[] challenges, string? signatureError,
        string? acceptSignature = AcceptSignatureDefault)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(challenges, Header(response, "WWW-Authenticate"));
        Assert.Equal(signatureError is null ? [] : [signatureError], Header(response, "Signature-Error"));
        Assert.Equal(acceptSignature is null ? [] : [acceptSignature], Header(response, "Accept-Signature"));
        Assert.Equal(["no-store"], Header(response, "Cache-Control"));
    }

    public static async Task<JsonObject> SucceededAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            "Expected 200, got " + (int)response.StatusCode + " " + string.Join(" | ", Header(response, "WWW-Authenticate")) + " "
            + string.Join(" | ", Header(response, "Signature-Error")) + " " + text);
        Assert.Empty(Header(response, "Signature-Error"));
        Assert.Empty(Header(response, "WWW-Authenticate"));
        return JsonNode.Parse(text)!.AsObject();
    }

    public static string[] ClaimValues(JsonObject principal, string type)
    {
        var values = new List<string>();
        foreach (var pair in principal["claims"]!.AsArray())
        {
            if (pair![0]!.GetValue<string>() == type)
            {
                values.Add(pair[1]!.GetValue<string>());
            }
        }
        return values.ToArray();
    }
}
