using AgentAuth.AspNetCore;
using ModelContextProtocol.AspNetCore;

namespace AgentAuth.Samples.McpServer;

/// <summary>
/// The MCP server of docs/getting-started.md ("MCP server"), compiled here and run by a test: the region between the
/// <c>snippet</c> markers is copied verbatim into the document.
/// </summary>
public static class McpServerApp
{
    /// <summary>Builds the server; everything it trusts comes from configuration (<c>Authentication:Schemes:AgentAuth</c>, <c>ResourceMetadata</c>).</summary>
    /// <param name="args">Command-line arguments (URLs and configuration).</param>
    /// <param name="configure">Lets the demo and tests replace configuration and logging before the app is built.</param>
    /// <returns>The application, not yet started.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // snippet: mcp-server
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme)
            .AddAgentAuth(); // reads Authentication:Schemes:AgentAuth from configuration
        builder.Services.AddAuthorization();
        builder.Services.AddAgentAuthResourceMetadata(o => builder.Configuration.Bind("ResourceMetadata", o));
        builder.Services.AddMcpServer()
            .WithHttpTransport(o => o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients)
            .WithTools<RecordTools>()
            .WithAgentAuth(); // [RequireScope] on tools, tools/list filtered, 403 step-up
        // end-snippet
        configure?.Invoke(builder);
        // snippet: mcp-server-map
        var app = builder.Build();
        app.UseAgentAuth();
        app.MapAgentAuthResourceMetadata();
        app.MapMcp("/mcp").RequireAgentAuth();
        // end-snippet
        return app;
    }
}
