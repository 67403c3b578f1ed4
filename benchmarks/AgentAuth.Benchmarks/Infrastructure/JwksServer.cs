using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// A loopback-only Kestrel server that publishes JWKS documents, so the scheme under test reads its keys through the real
/// backchannel and JWKS cache (the keys are fetched once, then served from the cache on every measured request).
/// </summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private JwksServer(WebApplication app, string baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's address, <c>http://127.0.0.1:port</c>.</summary>
    public string BaseAddress { get; }

    /// <summary>Starts the server with one JWKS document per path.</summary>
    public static async Task<JwksServer> StartAsync(IReadOnlyDictionary<string, string> documents)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        // "{base}" in a document stands for the server's own address (an OpenID discovery document's jwks_uri).
        var baseAddress = string.Empty;
        foreach (var (path, json) in documents)
        {
            app.MapGet(path, () => Results.Text(json.Replace("{base}", baseAddress, StringComparison.Ordinal), "application/json"));
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        baseAddress = address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return new JwksServer(app, baseAddress);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
