using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.WebBotAuth;

/// <summary>
/// Runs <c>tests/interop/web-bot-auth.mjs</c> (the <c>web-bot-auth</c> 0.1.3 package): key generation, crawler request
/// signatures and signed key directories. Fails with what to install when Node.js or <c>node_modules</c> is missing.
/// </summary>
internal static class WebBotNode
{
    public static async Task<JsonObject> RunAsync(JsonObject job)
    {
        Assert.True(Directory.Exists(Path.Combine(DPoPNodeInterop.InteropDirectory, "node_modules", "web-bot-auth")),
            "Node interop fixtures not installed (node_modules/web-bot-auth is missing): run ./test.sh, or 'npm ci' in tests/interop.");
        return await DPoPNodeInterop.RunScriptAsync("web-bot-auth.mjs", job);
    }

    public sealed record BotKey(JsonObject PrivateJwk, JsonObject PublicJwk, string KeyId);

    public static async Task<BotKey> NewKeyAsync()
    {
        var key = await RunAsync(new JsonObject { ["op"] = "keygen" });
        return new BotKey(key["privateJwk"]!.AsObject(), key["publicJwk"]!.AsObject(), key["keyid"]!.GetValue<string>());
    }
}

/// <summary>
/// A bot operator's key directory on loopback HTTPS (Kestrel, self-signed certificate): serves whatever
/// <see cref="Body"/>, <see cref="Signature"/> and <see cref="SignatureInput"/> hold, and counts requests.
/// </summary>
internal sealed class DirectoryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private DirectoryServer(WebApplication app, X509Certificate2 certificate, string origin)
    {
        _app = app;
        Certificate = certificate;
        Origin = origin;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary><c>https://127.0.0.1:port</c>.</summary>
    public string Origin { get; }

    public string DirectoryUrl => Origin + "/.well-known/http-message-signatures-directory";

    public string Body { get; set; } = "{\"keys\":[]}";

    public string? Signature { get; set; }

    public string? SignatureInput { get; set; }

    public string ContentType { get; set; } = "application/http-message-signatures-directory+json";

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<DirectoryServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        DirectoryServer? server = null;
        app.MapGet("/.well-known/http-message-signatures-directory", (HttpContext context) =>
        {
            Interlocked.Increment(ref server!._requests);
            if (server.Signature is not null)
            {
                context.Response.Headers["Signature"] = server.Signature;
                context.Response.Headers["Signature-Input"] = server.SignatureInput;
            }
            return Results.Text(server.Body, server.ContentType);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server = new DirectoryServer(app, certificate, "https://127.0.0.1:" + address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return server;
    }

    /// <summary>Lists <paramref name="list"/> and signs the response with <paramref name="signers"/> through the package, for <paramref name="url"/> (default: this directory).</summary>
    public async Task PublishAsync(IEnumerable<WebBotNode.BotKey> list, IEnumerable<WebBotNode.BotKey> signers, long created, long expires, string? url = null)
    {
        var job = new JsonObject
        {
            ["op"] = "directory",
            ["url"] = url ?? DirectoryUrl,
            ["list"] = new JsonArray([.. list.Select(k => (JsonNode)k.PublicJwk.DeepClone())]),
            ["signers"] = new JsonArray([.. signers.Select(k => (JsonNode)k.PrivateJwk.DeepClone())]),
            ["created"] = created,
            ["expires"] = expires,
        };
        var signed = await WebBotNode.RunAsync(job);
        Body = signed["body"]!.GetValue<string>();
        var headers = signed["headers"]!.AsObject();
        Signature = headers["signature"]?.GetValue<string>();
        SignatureInput = headers["signature-input"]?.GetValue<string>();
    }

    /// <summary>A client handler that trusts this server's certificate only (what a test sets as <c>BackchannelHttpHandler</c>).</summary>
    public SocketsHttpHandler TrustingHandler() => new()
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == Certificate.GetCertHashString(),
        },
    };

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel on Linux needs the private key in a loadable form.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}

/// <summary>
/// A resource on real Kestrel (127.0.0.1) with two AgentAuth schemes, as docs/getting-started.md shows: the default
/// scheme for agents (configured keys) on <c>/agents</c>, and a <c>WebBots</c> scheme with Web Bot Auth on <c>/bots</c>,
/// selected per endpoint by the authorization policy <c>WebBots</c>.
/// </summary>
internal sealed class WebBotResource : IAsyncDisposable
{
    public const string Scheme = "WebBots";

    private WebBotResource(WebApplication app, HttpClient client, Uri baseAddress, LogSink logs)
    {
        App = app;
        Client = client;
        BaseAddress = baseAddress;
        Logs = logs;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    public LogSink Logs { get; }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public static async Task<WebBotResource> StartAsync(DirectoryServer directory, FakeTimeProvider time, string agentJwks,
        Action<AgentAuthOptions>? configureWebBots = null)
    {
        var logs = new LogSink();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme)
            .AddAgentAuth(o => o.AgentKeys.JsonWebKeySet = agentJwks)
            .AddAgentAuth(Scheme, o =>
            {
                o.AllowSignatureOnly = true;
                o.WebBotAuth.Enabled = true;
                o.WebBotAuth.Directories.AllowedOrigins.Add(directory.Origin);
                // Loopback directory in tests only; a deployment keeps private networks refused.
                o.WebBotAuth.Directories.AllowPrivateNetworks = true;
                o.BackchannelHttpHandler = directory.TrustingHandler();
                configureWebBots?.Invoke(o);
            });
        builder.Services.AddAuthorization(o => o.AddPolicy(Scheme, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()));

        var app = builder.Build();
        app.UseAgentAuth();
        app.MapGet("/agents", (HttpContext context) => Results.Text(HandlerHost.Describe(context.User, null).ToJsonString(), "application/json"))
            .RequireAuthorization();
        app.MapMethods("/bots", ["GET", "POST"], (HttpContext context) => Results.Text(HandlerHost.Describe(context.User, null).ToJsonString(), "application/json"))
            .RequireAuthorization(Scheme);
        await app.StartAsync();
        var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new WebBotResource(app, new HttpClient { BaseAddress = baseAddress }, baseAddress, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
