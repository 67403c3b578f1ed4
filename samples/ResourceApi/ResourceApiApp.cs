using System.Security.Claims;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.OpenApi;
using ResourceApi.Data;

namespace ResourceApi;

/// <summary>
/// Builds the sample resource API: the AgentAuth scheme configured only from <c>Authentication:Schemes:AgentAuth</c>
/// (appsettings.json, environment variables, command line), minimal-API endpoints and an MVC controller for the same data.
/// With <c>Authentication:Schemes:WebBots:WebBotAuth:Enabled</c>, a second scheme accepts Web Bot Auth crawlers on
/// <c>GET /crawl</c> only (docs/getting-started.md, "Accept web bots on some endpoints").
/// The native AOT build (<c>-p:PublishAot=true</c>) leaves the MVC controller out: MVC does not support native AOT.
/// </summary>
public static class ResourceApiApp
{
    /// <summary>The authorization policy of the revocation endpoint (<c>ResourceApi:RevocationEndpoint</c>).</summary>
    public const string RevokersPolicy = "token-revokers";

    /// <summary>Creates the application. <paramref name="configure"/> runs before any service is added (the demo replaces the configuration there).</summary>
    /// <param name="args">Command-line arguments (<c>--urls</c>, configuration overrides).</param>
    /// <param name="configure">Optional changes to the builder, for example in-memory configuration.</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The scheme for Web Bot Auth crawlers, selected per endpoint by the authorization policy of the same name.
        const string WebBots = "WebBots";
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var contentRoot = builder.Environment.ContentRootPath;
        // Read as text: no reflection-based binding, so the native AOT build keeps working.
        var webBots = bool.TryParse(builder.Configuration["Authentication:Schemes:" + WebBots + ":WebBotAuth:Enabled"], out var enabled) && enabled;
        var authentication = builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme)
            .AddAgentAuth(options =>
            {
                // A relative JWKS file path is relative to the app, not to the directory it was started from.
                if (options.AgentKeys.JwksFile is { Length: > 0 } file && !Path.IsPathRooted(file))
                {
                    options.AgentKeys.JwksFile = Path.Combine(contentRoot, file);
                }
                if (options.AAuth.Resource.SigningKey.File is { Length: > 0 } keyFile && !Path.IsPathRooted(keyFile))
                {
                    options.AAuth.Resource.SigningKey.File = Path.Combine(contentRoot, keyFile);
                }
            });
        if (webBots)
        {
            // Configured from Authentication:Schemes:WebBots (WebBotAuth:Directories:AllowedOrigins names the operators).
            authentication.AddAgentAuth(WebBots);
        }
        builder.Services.AddAuthorization(options =>
        {
            if (webBots)
            {
                options.AddPolicy(WebBots, policy => policy.AddAuthenticationSchemes(WebBots).RequireAuthenticatedUser());
            }
            // Who may revoke tokens through ResourceApi:RevocationEndpoint (off unless configured): agents with the agentauth:revoke scope.
            options.AddPolicy(RevokersPolicy, p => p.AddAuthenticationSchemes(AgentAuthDefaults.AuthenticationScheme).RequireClaim("scope", "agentauth:revoke"));
        });
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
        // AAuth resource metadata and JWKS (/.well-known/aauth-resource.json, /.well-known/jwks.json), when configured.
        if (app.Configuration.GetValue<bool>("Authentication:Schemes:AgentAuth:AAuth:Resource:Enabled"))
        {
            app.MapAAuthResourceMetadata();
        }
        app.MapOpenApi().AllowAnonymous();

        app.MapGet("/whoami", (ClaimsPrincipal user) => Results.Ok(WhoAmI.From(user)))
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(AgentAuthDefaults.AuthenticationScheme).RequireAuthenticatedUser());

        // AAuth agents (Signature-Key): /whoami above admits pseudonymous ones (hwk, keyed by thumbprint, e.g. for rate
        // limits); this endpoint only agents with an identity (a jwks_uri origin the configuration allows, or a token).
        app.MapGet("/agents/identified", (ClaimsPrincipal user) => Results.Ok(WhoAmI.From(user)))
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(AgentAuthDefaults.AuthenticationScheme).RequireAuthenticatedUser()
                .RequireAssertion(context => !context.User.HasClaim(AgentAuthClaimTypes.Pseudonymous, "true")));

        if (webBots)
        {
            // Crawlers reach this endpoint only: the operator (sub, the Signature-Agent origin) and key thumbprint are in WhoAmI.
            app.MapGet("/crawl", (ClaimsPrincipal user) => Results.Ok(WhoAmI.From(user))).RequireAuthorization(WebBots);
        }

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

        if (app.Configuration["ResourceApi:RevocationEndpoint"] is { Length: > 0 } revocationPath)
        {
            app.MapAgentAuthRevocation(revocationPath, RevokersPolicy);
        }

#if !NATIVE_AOT
        app.MapControllers();
#endif
        return app;
    }
}
