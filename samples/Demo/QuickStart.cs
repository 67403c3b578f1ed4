using System.Security.Claims;
using AgentAuth.AspNetCore;

namespace AgentAuth.Demo;

/// <summary>
/// The code of docs/getting-started.md, compiled here and run by a test. The regions between the <c>snippet</c> markers are
/// copied verbatim into the document; a test fails when the two differ.
/// </summary>
public static class QuickStart
{
    /// <summary>The "protect an API" snippet: the scheme configured from <c>Authentication:Schemes:AgentAuth</c>.</summary>
    /// <param name="args">Command-line arguments (URLs and configuration).</param>
    /// <returns>The application, not yet started.</returns>
    public static WebApplication ProtectApi(string[] args)
    {
        // snippet: protect-api
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme)
            .AddAgentAuth(); // reads Authentication:Schemes:AgentAuth from configuration
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAgentAuth();
        app.MapGet("/whoami", (ClaimsPrincipal agent) => agent.FindFirst("sub")?.Value).RequireAuthorization();
        app.MapGet("/data/{id}", (string id) => new { id }).RequireScope("read:data:{id}");
        // end-snippet
        return app;
    }

    /// <summary>The "call it from an agent" snippet: an <c>IHttpClientFactory</c> client that signs every request.</summary>
    /// <param name="apiUrl">The API's base address, for example <c>http://127.0.0.1:5080</c>.</param>
    /// <param name="privateJwk">The agent's private JWK.</param>
    /// <param name="token">A token bound to that key, or null for signature-only agents.</param>
    /// <returns>The response to <c>GET /whoami</c>.</returns>
    public static async Task<HttpResponseMessage> CallApiAsync(Uri apiUrl, string privateJwk, string? token)
    {
        // snippet: call-api
        var services = new ServiceCollection();
        services.AddHttpClient("agent", client => client.BaseAddress = apiUrl) // e.g. http://127.0.0.1:5080
            .AddAgentAuthSigning(options =>
            {
                options.Jwk = privateJwk;     // the agent's private key (JWK), or PrivateKeyPem / Ed25519PrivateKey
                options.AccessToken = token;  // optional: a token bound to this key (cnf); null signs without one
            });

        using var provider = services.BuildServiceProvider();
        var agent = provider.GetRequiredService<IHttpClientFactory>().CreateClient("agent");
        var response = await agent.GetAsync(new Uri("/whoami", UriKind.Relative));
        // end-snippet
        return response;
    }
}
