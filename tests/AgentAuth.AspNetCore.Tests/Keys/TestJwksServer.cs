using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Tests.Keys;

/// <summary>
/// A real Kestrel server on loopback that serves a JWKS (and a discovery document) which tests change at runtime,
/// counting the requests it receives.
/// </summary>
internal sealed class TestJwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private byte[] _jwks = Encoding.UTF8.GetBytes("{\"keys\":[]}");
    private int _status = 200;
    private TaskCompletionSource? _hold;
    private int _jwksRequests;
    private int _discoveryRequests;

    private TestJwksServer(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = "";

    public Uri JwksUri => new(BaseAddress + "/jwks");

    public Uri DiscoveryUri => new(BaseAddress + "/.well-known/openid-configuration");

    /// <summary>The <c>issuer</c> the discovery document claims; defaults to <see cref="BaseAddress"/>.</summary>
    public string? DiscoveryIssuer { get; set; }

    public string? LastUserAgent { get; private set; }

    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);

    /// <summary>Bytes to send without a Content-Length (chunked), to prove the size limit holds while streaming.</summary>
    public bool Chunked { get; set; }

    public static async Task<TestJwksServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new TestJwksServer(app);
        app.MapGet("/jwks", server.ServeJwksAsync);
        app.MapGet("/.well-known/openid-configuration", server.ServeDiscoveryAsync);
        app.MapGet("/moved", (HttpContext context) => context.Response.Redirect(server.BaseAddress + "/jwks"));
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        server.BaseAddress = addresses.Addresses.First().TrimEnd('/');
        return server;
    }

    public void SetJwks(string json) => SetJwks(Encoding.UTF8.GetBytes(json));

    public void SetJwks(byte[] body)
    {
        lock (_gate) { _jwks = body; }
    }

    public void SetStatus(int status)
    {
        lock (_gate) { _status = status; }
    }

    /// <summary>Makes the next responses wait until <see cref="Release"/> (a slow or hung server).</summary>
    public void Hold()
    {
        lock (_gate) { _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); }
    }

    public void Release()
    {
        TaskCompletionSource? hold;
        lock (_gate) { hold = _hold; _hold = null; }
        hold?.TrySetResult();
    }

    private async Task ServeJwksAsync(HttpContext context)
    {
        Interlocked.Increment(ref _jwksRequests);
        LastUserAgent = context.Request.Headers.UserAgent.ToString();
        byte[] body;
        int status;
        Task? hold;
        lock (_gate) { body = _jwks; status = _status; hold = _hold?.Task; }
        if (hold is not null)
        {
            await hold.WaitAsync(context.RequestAborted);
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (!Chunked)
        {
            context.Response.ContentLength = body.Length;
        }
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private async Task ServeDiscoveryAsync(HttpContext context)
    {
        Interlocked.Increment(ref _discoveryRequests);
        var issuer = DiscoveryIssuer ?? BaseAddress;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + BaseAddress + "/jwks\",\"response_types_supported\":[\"code\"]}");
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
