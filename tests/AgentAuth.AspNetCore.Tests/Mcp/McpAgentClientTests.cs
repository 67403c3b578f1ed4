using System.Collections.Concurrent;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>
/// Issue 20, the agent side: the MCP SDK's client (ModelContextProtocol 2.4.0) with an HttpClient from IHttpClientFactory and
/// AddAgentAuthSigning sends signed MCP requests with no other change: no MCP-specific option, header or handler.
/// </summary>
public sealed class McpAgentClientTests : IAsyncLifetime
{
    private readonly TokenSetup _setup = new();
    private McpHost? _host;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await _setup.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData(McpHost.SessionProtocol)]
    public async Task An_http_client_factory_client_with_AddAgentAuthSigning_is_all_an_MCP_client_needs(string? protocol)
    {
        _host = await McpHost.StartAsync(_setup);
        var seen = new SeenRequests();
        var services = new ServiceCollection();
        services.AddHttpClient("mcp", c => c.BaseAddress = _host.Host.BaseAddress)
            .AddAgentAuthSigning(o =>
            {
                o.Key = _setup.Agent.Key;
                o.AccessToken = _setup.BoundToken(c => c["scope"] = "read:data:*");
                o.TimeProvider = _setup.Time;
            })
            .AddHttpMessageHandler(() => seen);
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("mcp");

        await using (var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = _host.Endpoint }, http, NullLoggerFactory.Instance),
            new McpClientOptions { ProtocolVersion = protocol }, NullLoggerFactory.Instance))
        {
            var result = await client.CallToolAsync("get_record", new Dictionary<string, object?> { ["id"] = "1" });
            Assert.Equal("record:1", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        }

        Assert.NotEmpty(seen.Requests);
        Assert.All(seen.Requests, r =>
        {
            Assert.True(r.Headers.Contains("Signature-Input") && r.Headers.Contains("Signature"), r.Method + " not signed");
            Assert.Equal("Bearer", r.Headers.Authorization?.Scheme);
            if (r.Content is not null)
            {
                Assert.True(r.Content.Headers.Contains("Content-Digest"), r.Method + " body not digested");
            }
        });
        Assert.All(seen.Statuses, s => Assert.True(s < 300, "status " + s));
    }

    /// <summary>Sits after the signing handler: sees each request as it goes on the wire, and its status.</summary>
    private sealed class SeenRequests : DelegatingHandler
    {
        public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

        public ConcurrentQueue<int> Statuses { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            var response = await base.SendAsync(request, cancellationToken);
            Statuses.Enqueue((int)response.StatusCode);
            return response;
        }
    }
}
