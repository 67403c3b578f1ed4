using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// A small resource API as an application would write it: controllers and minimal APIs, the scheme wired with exactly
/// <c>AddAuthentication().AddAgentAuth()</c> and <c>UseAgentAuth()</c>, options bound from <c>Authentication:Schemes:AgentAuth</c>.
/// </summary>
internal static class AgentApp
{
    public static void ConfigureServices(IServiceCollection services)
    {
        services.AddControllers().ConfigureApplicationPartManager(manager =>
        {
            manager.ApplicationParts.Clear();
            manager.ApplicationParts.Add(new AssemblyPart(typeof(AgentApp).Assembly));
            foreach (var provider in manager.FeatureProviders.OfType<ControllerFeatureProvider>().ToList())
            {
                manager.FeatureProviders.Remove(provider);
            }
            manager.FeatureProviders.Add(new AgentAppControllers());
        });
        services.AddAuthentication().AddAgentAuth();
        services.AddAuthorization();
    }

    public static void Configure(IApplicationBuilder app)
    {
        app.UseRouting();
        app.UseAgentAuth();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapControllers();
            endpoints.MapGet("/minimal/data/{id}", (string id) => "minimal:" + id).RequireScope("read:data:{id}");
            endpoints.MapPost("/minimal/data/{id}", (string id) => "written:" + id).RequireScope("write:data:{id}");
            endpoints.MapGet("/minimal/whoami", (ClaimsPrincipal user) => user.FindFirst("sub")!.Value + " via " + user.FindFirst("auth_method")!.Value)
                .RequireAuthorization();
            endpoints.MapGet("/minimal/public", () => "public");
        });
    }

    private sealed class AgentAppControllers : ControllerFeatureProvider
    {
        protected override bool IsController(System.Reflection.TypeInfo typeInfo) =>
            base.IsController(typeInfo) && typeInfo.Namespace == typeof(AgentApp).Namespace;
    }
}

/// <summary>The controller half of <see cref="AgentApp"/>.</summary>
[ApiController]
[Route("api")]
public sealed class AgentAppController : ControllerBase
{
    [HttpGet("data/{id}")]
    [RequireScope("read:data:{id}")]
    public string Data(string id) => "data:" + id;

    [HttpPost("echo")]
    [Authorize]
    public async Task<string> Echo()
    {
        using var reader = new StreamReader(Request.Body);
        return User.FindFirst("sub")!.Value + ":" + await reader.ReadToEndAsync();
    }
}

/// <summary>Hosts <see cref="AgentApp"/> with in-memory configuration and the test clock.</summary>
internal sealed class AgentAppFactory(IDictionary<string, string?> configuration, FakeTimeProvider time) : WebApplicationFactory<AgentAppFactory>
{
    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder()
            .UseEnvironment(Environments.Development)
            .ConfigureAppConfiguration(config =>
            {
                config.Sources.Clear();
                config.AddInMemoryCollection(configuration);
            })
            .ConfigureWebHost(web =>
            {
                web.UseContentRoot(AppContext.BaseDirectory);
                web.ConfigureServices(services =>
                {
                    AgentApp.ConfigureServices(services);
                    services.AddSingleton<TimeProvider>(time);
                });
                web.Configure(AgentApp.Configure);
            });

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);
}
