using System.Collections.Concurrent;
using System.Net.Http.Headers;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Client;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>
/// An MCP server (ModelContextProtocol.AspNetCore, streamable HTTP) behind the real AgentAuth scheme on Kestrel, and MCP
/// clients (the SDK's <see cref="McpClient"/>) whose HttpClient signs with AgentAuth.Client, sends DPoP proofs or a bearer token.
/// </summary>
internal sealed class McpHost : IAsyncDisposable
{
    public const string Resource = "http://localhost/mcp";

    private McpHost(TokenSetup setup, HandlerHost host)
    {
        Setup = setup;
        Host = host;
    }

    public TokenSetup Setup { get; }

    public HandlerHost Host { get; }

    public Uri Endpoint => Host.Url("/mcp");

    /// <summary>Starts the server; <paramref name="precheck"/> false maps <c>MapMcp().RequireAuthorization()</c> only, leaving every decision to the SDK's filters.</summary>
    public static async Task<McpHost> StartAsync(TokenSetup setup, bool precheck = true, Action<AgentAuthOptions>? configure = null)
    {
        var host = await setup.StartAsync(o =>
        {
            o.AllowBearerTokens = true;
            configure?.Invoke(o);
        }, services =>
        {
            // Sessions for 2025 clients (Mcp-Session-Id, SSE GET, DELETE), per request for 2026 clients, on one endpoint.
            services.AddMcpServer().WithHttpTransport(o => o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients).WithTools<McpTestTools>().WithPrompts<McpTestPrompts>().WithResources<McpTestResources>().WithAgentAuth();
            services.AddAgentAuthResourceMetadata(o =>
            {
                o.Resource = Resource;
                o.RequireHttps = false;
                o.AuthorizationServers.Add("http://localhost/broker");
            });
        }, app =>
        {
            if (precheck)
            {
                app.MapMcp("/mcp").RequireAgentAuth();
            }
            else
            {
                app.MapMcp("/mcp").RequireAuthorization();
            }
            app.MapAgentAuthResourceMetadata();
        }, kestrel: true);
        return new McpHost(setup, host);
    }

    /// <summary>An HttpClient whose requests go through <paramref name="handler"/> (if any), then a recorder, then the socket.</summary>
    public HttpClient HttpClient(Func<HttpMessageHandler, HttpMessageHandler>? handler, Recorder recorder) =>
        new(handler is null ? recorder : handler(recorder)) { BaseAddress = Host.BaseAddress };

    public HttpClient SigningClient(Recorder recorder, string? token = null, bool dpop = false) =>
        HttpClient(inner => new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = Setup.Agent.Key,
            AccessToken = token,
            UseDPoP = dpop,
            TimeProvider = Setup.Time,
        }, inner), recorder);

    public HttpClient BearerClient(Recorder recorder, string token)
    {
        var client = HttpClient(null, recorder);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The 2025 protocol revision with sessions (Mcp-Session-Id) and the standalone SSE GET; the SDK's default is per-request (2026).</summary>
    public const string SessionProtocol = "2025-11-25";

    public async Task<McpClient> ConnectAsync(HttpClient httpClient, bool standaloneGet = false, string? protocolVersion = null) =>
        await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = Endpoint,
                TransportMode = HttpTransportMode.StreamableHttp,
                EnableStandaloneGetStream = standaloneGet,
            }, httpClient, NullLoggerFactory.Instance, ownsHttpClient: false),
            new McpClientOptions { ProtocolVersion = protocolVersion },
            NullLoggerFactory.Instance);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    /// <summary>The innermost handler: records every response (status, headers, body) before the SDK reads it.</summary>
    internal sealed class Recorder() : DelegatingHandler(new SocketsHttpHandler())
    {
        public ConcurrentQueue<Exchange> Exchanges { get; } = new();

        public Func<HttpRequestMessage, Task>? Tamper { get; set; }

        /// <summary>Every request as it left, before its response arrived (an SSE GET's headers may come later).</summary>
        public ConcurrentQueue<HttpRequestMessage> Sent { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Tamper is not null)
            {
                await Tamper(request);
            }
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Sent.Enqueue(request);
            var response = await base.SendAsync(request, cancellationToken);
            string? responseBody = null;
            if (response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            Exchanges.Enqueue(new Exchange(request.Method, body, response, responseBody));
            return response;
        }
    }

    internal sealed record Exchange(HttpMethod Method, string? RequestBody, HttpResponseMessage Response, string? ResponseBody)
    {
        public string? WwwAuthenticate => Response.Headers.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : null;
    }
}
