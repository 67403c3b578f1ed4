using System.Net;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.Samples.McpServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>The "MCP server" snippets of docs/getting-started.md are the compiled code of samples/McpServer, and that code works.</summary>
public sealed partial class DocumentationTests
{
    [Theory]
    [InlineData("samples/McpServer/McpServerApp.cs", "mcp-server")]
    [InlineData("samples/McpServer/McpServerApp.cs", "mcp-server-map")]
    [InlineData("samples/McpServer/RecordTools.cs", "mcp-tools")]
    public void Getting_started_mcp_snippets_are_the_compiled_sample_code(string file, string snippet)
    {
        var code = Region(SampleFiles.Read(file), snippet);
        var doc = SampleFiles.Read("docs/getting-started.md").ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + code + "\n```", doc);
    }

    [Fact]
    public async Task Mcp_server_snippet_serves_a_signing_agent_through_the_sdk_client()
    {
        using var agentKey = SignatureKey.GenerateEd25519("agent-1");
        await using var app = McpServerApp.Build(["--urls", "http://127.0.0.1:0", "--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Authentication:Schemes:AgentAuth:AgentKeys:JsonWebKeySet"] = "{\"keys\":[" + agentKey.ExportPublicJwkJson() + "]}",
                // An issuer makes the 401 offer Bearer/DPoP with resource_metadata (a Signature-only challenge has no OAuth discovery).
                ["Authentication:Schemes:AgentAuth:Issuers:0:Issuer"] = "https://issuer.example",
                ["Authentication:Schemes:AgentAuth:Issuers:0:JsonWebKeySet"] = "{\"keys\":[" + agentKey.ExportPublicJwkJson() + "]}",
                ["Authentication:Schemes:AgentAuth:Audiences:0"] = "http://127.0.0.1/mcp",
                ["ResourceMetadata:Resource"] = "http://127.0.0.1/mcp",
                ["ResourceMetadata:RequireHttps"] = "false",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var http = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = agentKey }, new SocketsHttpHandler())) { BaseAddress = url };
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(url, "/mcp") }, http, NullLoggerFactory.Instance, ownsHttpClient: false),
            loggerFactory: NullLoggerFactory.Instance);

        // A signature-only agent is authenticated (sub = its keyid) but holds no scopes.
        Assert.Equal(["whoami"], (await client.ListToolsAsync()).Select(t => t.Name));
        var whoami = await client.CallToolAsync("whoami");
        Assert.Equal("agent-1", Assert.IsType<TextContentBlock>(Assert.Single(whoami.Content)).Text);
        await Assert.ThrowsAnyAsync<Exception>(() => client.CallToolAsync("get_record", new Dictionary<string, object?> { ["id"] = "1" }).AsTask());

        using var unsigned = new HttpClient { BaseAddress = url };
        using var refused = await unsigned.PostAsync(new Uri("/mcp", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource/mcp\"", string.Join(", ", refused.Headers.GetValues("WWW-Authenticate")), StringComparison.Ordinal);
        await app.StopAsync();
    }
}
