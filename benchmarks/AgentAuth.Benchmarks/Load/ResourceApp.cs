using System.Net;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.Benchmarks.Load;

/// <summary>
/// A resource API equivalent to <c>samples/ResourceApi</c>'s AgentAuth configuration, on Kestrel, loopback only: an anonymous
/// endpoint and an AgentAuth-protected one (agent keys from a JWKS URL, nonces required so every request is replay-checked).
/// </summary>
internal sealed class ResourceApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ResourceApp(WebApplication app, string baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public string BaseAddress { get; }

    public static async Task<ResourceApp> StartAsync(string agentJwksUri)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth(o =>
        {
            o.AgentKeys.JwksUri = agentJwksUri;
            o.AgentKeys.RequireHttpsMetadata = false;
            o.Signatures.RequireNonce = true;
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/anonymous", () => "ok");
        app.MapGet("/orders/{id}", (string id) => id).RequireAuthorization();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ResourceApp(app, address.TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
