using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>
/// A <see cref="WebApplicationFactory{TEntryPoint}"/> over an in-test host: routing, authentication, authorization,
/// the controllers of this folder only, and whatever services and endpoints a test adds.
/// </summary>
public sealed class ScopeTestAppFactory(
    Action<IServiceCollection> configureServices,
    Action<IEndpointRouteBuilder> mapEndpoints,
    bool withControllers = false) : WebApplicationFactory<ScopeTestAppFactory>
{
    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder()
            .UseEnvironment(Environments.Development)
            .ConfigureWebHost(web =>
            {
                web.UseContentRoot(AppContext.BaseDirectory);
                web.ConfigureServices(services =>
                {
                    services.AddRouting();
                    if (withControllers)
                    {
                        services.AddControllers().ConfigureApplicationPartManager(manager =>
                        {
                            manager.ApplicationParts.Clear();
                            manager.ApplicationParts.Add(new AssemblyPart(typeof(ScopeTestAppFactory).Assembly));
                            foreach (var provider in manager.FeatureProviders.OfType<ControllerFeatureProvider>().ToList())
                            {
                                manager.FeatureProviders.Remove(provider);
                            }
                            manager.FeatureProviders.Add(new ThisFolderControllers());
                        });
                    }
                    configureServices(services);
                });
                web.Configure(app =>
                {
                    app.UseRouting();
                    app.UseAuthentication();
                    app.UseAuthorization();
                    app.UseEndpoints(endpoints =>
                    {
                        if (withControllers)
                        {
                            endpoints.MapControllers();
                        }
                        mapEndpoints(endpoints);
                    });
                });
            });

    // The factory points the content root at a solution-relative project folder; this host has no content.
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);

    /// <summary>Keeps other test folders' controllers out of these apps.</summary>
    private sealed class ThisFolderControllers : ControllerFeatureProvider
    {
        protected override bool IsController(System.Reflection.TypeInfo typeInfo) =>
            base.IsController(typeInfo) && typeInfo.Namespace == typeof(ScopeTestAppFactory).Namespace;
    }
}
