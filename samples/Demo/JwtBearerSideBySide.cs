using System.Security.Claims;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AgentAuth.Demo;

/// <summary>
/// The "next to JwtBearer" snippet of docs/getting-started.md, compiled here and run by a test: an API that already
/// accepts bearer tokens through <c>Microsoft.AspNetCore.Authentication.JwtBearer</c> adds AgentAuth beside it, and a
/// policy scheme sends each request to the handler its headers are meant for.
/// </summary>
public static class JwtBearerSideBySide
{
    /// <summary>Builds the API with both schemes, configured from <c>Authentication:Schemes:Bearer</c> and <c>Authentication:Schemes:AgentAuth</c>.</summary>
    /// <param name="args">Command-line arguments (URLs and configuration).</param>
    /// <returns>The application, not yet started.</returns>
    public static WebApplication Build(string[] args)
    {
        // snippet: jwtbearer-side-by-side
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication("BearerOrAgent")
            .AddJwtBearer(options => options.MapInboundClaims = false) // Authentication:Schemes:Bearer; keeps "sub", "scope"
            .AddAgentAuth() // reads Authentication:Schemes:AgentAuth
            .AddPolicyScheme("BearerOrAgent", "JwtBearer or AgentAuth", options =>
                // A plain bearer token (no RFC 9421 signature, no DPoP proof) stays with JwtBearer; everything else,
                // including requests with no credentials (so the challenge tells an agent what to send), goes to AgentAuth.
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    && !context.Request.Headers.ContainsKey("Signature")
                    && !context.Request.Headers.ContainsKey("Signature-Input")
                    && !context.Request.Headers.ContainsKey("DPoP")
                        ? JwtBearerDefaults.AuthenticationScheme
                        : AgentAuthDefaults.AuthenticationScheme);
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAgentAuth();
        app.MapGet("/whoami", (ClaimsPrincipal user) => $"{user.Identity!.AuthenticationType} {user.FindFirst("sub")?.Value}")
            .RequireAuthorization();
        // end-snippet
        return app;
    }
}
