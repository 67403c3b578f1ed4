using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ResourceApi;

namespace AgentAuth.Benchmarks.Load;

/// <summary>
/// <c>samples/ResourceApi</c> itself (<see cref="ResourceApiApp.Build"/>: its pipeline, endpoints and MVC controllers) on
/// Kestrel, loopback only, configured the way an operator would: agent keys from a JWKS URL and nonces required, so every
/// signed request is replay-checked. Measured endpoints: <c>GET /health</c> (anonymous) and <c>GET /whoami</c> (AgentAuth).
/// </summary>
internal sealed class ResourceApp : IAsyncDisposable
{
    private const string Prefix = "Authentication:Schemes:AgentAuth:";

    private readonly WebApplication _app;

    private ResourceApp(WebApplication app, string baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public string BaseAddress { get; }

    public static async Task<ResourceApp> StartAsync(string agentJwksUri)
    {
        var app = ResourceApiApp.Build([], builder =>
        {
            // Only these settings: the sample's appsettings.json (static demo keys, an issuer) is not read.
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [Prefix + "AgentKeys:JwksUri"] = agentJwksUri,
                [Prefix + "AgentKeys:RequireHttpsMetadata"] = "false",
                [Prefix + "AllowSignatureOnly"] = "true",
                [Prefix + "Signatures:RequireNonce"] = "true",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            // DPoP nonces are protected with Data Protection; in-memory keys, so the load test writes no files.
            builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        });
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
