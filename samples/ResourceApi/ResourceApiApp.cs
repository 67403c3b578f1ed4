using System.Security.Claims;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.OpenApi;
using ResourceApi.Data;

namespace ResourceApi;

/// <summary>
/// Builds the sample resource API: the AgentAuth scheme configured only from <c>Authentication:Schemes:AgentAuth</c>
/// (appsettings.json, environment variables, command line), minimal-API endpoints and an MVC controller for the same data.
/// The native AOT build (<c>-p:PublishAot=true</c>) leaves the MVC controller out: MVC does not support native AOT.
/// </summary>
public static class ResourceApiApp
{
    /// <summary>Creates the application. <paramref name="configure"/> runs before any service is added (the demo replaces the configuration there).</summary>
    /// <param name="args">Command-line arguments (<c>--urls</c>, configuration overrides).</param>
    /// <param name="configure">Optional changes to the builder, for example in-memory configuration.</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme)
            .AddAgentAuth(options =>
            {
                // A relative JWKS file path is relative to the app, not to the directory it was started from.
                if (options.AgentKeys.JwksFile is { Length: > 0 } file && !Path.IsPathRooted(file))
                {
                    options.AgentKeys.JwksFile = Path.Combine(contentRoot, file);
                }
            });
        builder.Services.AddAuthorization();
        // /openapi/v1.json declares the AgentAuth security schemes and each operation's scopes (AgentAuth.AspNetCore.OpenApi).
        builder.Services.AddOpenApi(options => options.AddAgentAuth());
        builder.Services.AddSingleton<DataStore>();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ResourceApiJsonContext.Default));
#if !NATIVE_AOT
        builder.Services.AddControllers().AddApplicationPart(typeof(ResourceApiApp).Assembly);
#endif

        var app = builder.Build();
        app.UseAgentAuth();

        app.MapGet("/health", () => Results.Ok(new HealthStatus("ok"))).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();

        app.MapGet("/whoami", (ClaimsPrincipal user) => Results.Ok(WhoAmI.From(user)))
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(AgentAuthDefaults.AuthenticationScheme).RequireAuthenticatedUser());

        var data = app.MapGroup("/data");
        data.MapGet("/", (DataStore store) => Results.Ok(store.List())).RequireScope("read:data:*");
        data.MapGet("/{id}", (string id, DataStore store) => store.TryGet(id, out var item) ? Results.Ok(item) : Results.NotFound())
            .RequireScope("read:data:{id}");
        // The scheme checks the body against a signed Content-Digest before this runs (Signatures:RequireContentDigestForBody).
        data.MapPost("/", (DataItemInput input, DataStore store) =>
        {
            if (string.IsNullOrWhiteSpace(input.Name))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["A name is required."] });
            }
            var item = store.Add(input.Name, input.Value);
            return Results.Created("/data/" + item.Id, item);
        }).RequireScope("write:data:*");

#if !NATIVE_AOT
        app.MapControllers();
#endif
        return app;
    }
}
