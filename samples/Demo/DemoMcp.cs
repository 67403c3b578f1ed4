using System.Net;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.Samples.McpServer;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentAuth.Demo;

/// <summary>
/// The MCP part of the tour: samples/McpServer started beside the resource API, called with the MCP SDK's client whose
/// HttpClient signs with AgentAuth.Client: an allowed tool, a forbidden tool (403 insufficient_scope naming the scope), and
/// the step-up (a new token with that scope).
/// </summary>
internal static class DemoMcp
{
    /// <summary>The audience (<c>aud</c>) the MCP server accepts.</summary>
    public const string Audience = "urn:agentauth-demo:mcp-server";

    public static async Task RunAsync(List<ScenarioResult> results, DevTokenIssuer issuer, SignatureKey agentKey,
        Func<string, string, Task<string>> token, TextWriter log, CancellationToken cancellationToken)
    {
        await using var server = McpServerApp.Build([], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Authentication:Schemes:AgentAuth:Issuers:0:Issuer"] = issuer.Url,
                ["Authentication:Schemes:AgentAuth:Issuers:0:JwksUri"] = issuer.JwksUri,
                ["Authentication:Schemes:AgentAuth:Issuers:0:RequireHttpsMetadata"] = "false",
                ["Authentication:Schemes:AgentAuth:Audiences:0"] = Audience,
                ["ResourceMetadata:Resource"] = "http://127.0.0.1/mcp",
                ["ResourceMetadata:RequireHttps"] = "false",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
        });
        await server.StartAsync(cancellationToken);
        var url = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        log.WriteLine($"  MCP server     {url.ToString().TrimEnd('/')}/mcp  (samples/McpServer, aud {Audience})");
        log.WriteLine();

        var readTwo = await token("read:data:2", Audience);
        var last = new LastResponse();
        using (var http = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = agentKey, AccessToken = readTwo }, last)))
        await using (var client = await ConnectAsync(http, url, cancellationToken))
        {
            var tools = (await client.ListToolsAsync(cancellationToken: cancellationToken)).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
            Add(results, "MCP tools/list (read:data:2)", "tools/list", "200", last, string.Join(", ", tools), tools.SequenceEqual(["get_record", "whoami"]));

            var allowed = await CallAsync(client, "get_record", cancellationToken);
            Add(results, "MCP allowed tool (read:data:{id}, id 2)", "tools/call get_record(2)", "200", last, allowed ?? "refused", allowed == "record 2");

            var forbidden = await CallAsync(client, "delete_record", cancellationToken);
            var scope = last.Status == HttpStatusCode.Forbidden ? ServerReason.Read(last.Response!).Error + ", scope " + ScopeOf(last.Response!) : "not refused";
            Add(results, "MCP forbidden tool (needs write:data:2)", "tools/call delete_record(2)", "403 insufficient_scope", last, scope,
                forbidden is null && last.Status == HttpStatusCode.Forbidden && scope.EndsWith("write:data:2", StringComparison.Ordinal));
        }

        // Step-up: the agent asks the issuer for the scope the 403 named, and calls again.
        var stepUp = await token("read:data:2 write:data:2", Audience);
        last = new LastResponse();
        using (var http = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = agentKey, AccessToken = stepUp }, last)))
        await using (var client = await ConnectAsync(http, url, cancellationToken))
        {
            var deleted = await CallAsync(client, "delete_record", cancellationToken);
            Add(results, "MCP step-up (token with write:data:2)", "tools/call delete_record(2)", "200", last, deleted ?? "refused", deleted == "deleted record 2");
        }
        await server.StopAsync(cancellationToken);
    }

    private static async Task<McpClient> ConnectAsync(HttpClient http, Uri url, CancellationToken cancellationToken) =>
        await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(url, "/mcp") }, http, NullLoggerFactory.Instance, ownsHttpClient: false),
            loggerFactory: NullLoggerFactory.Instance, cancellationToken: cancellationToken);

    private static async Task<string?> CallAsync(McpClient client, string tool, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallToolAsync(tool, new Dictionary<string, object?> { ["id"] = "2" }, cancellationToken: cancellationToken);
            return result.IsError == true ? null : (result.Content.FirstOrDefault() as TextContentBlock)?.Text;
        }
        catch (Exception e) when (e is HttpRequestException or ModelContextProtocol.McpException)
        {
            return null;
        }
    }

    private static string ScopeOf(HttpResponseMessage response)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            var parameter = challenge.Parameter ?? string.Empty;
            var start = parameter.IndexOf("scope=\"", StringComparison.Ordinal);
            if (start >= 0)
            {
                start += 7;
                return parameter[start..parameter.IndexOf('"', start)];
            }
        }
        return string.Empty;
    }

    private static void Add(List<ScenarioResult> results, string scenario, string request, string expected, LastResponse last, string reason, bool matches) =>
        results.Add(new ScenarioResult(scenario, "POST /mcp " + request, expected, (int)last.Status, reason, matches));

    /// <summary>Keeps the last HTTP response the MCP client received (its status and challenge), under the signing handler.</summary>
    private sealed class LastResponse() : DelegatingHandler(new SocketsHttpHandler())
    {
        public HttpResponseMessage? Response { get; private set; }

        public HttpStatusCode Status => Response?.StatusCode ?? 0;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post)
            {
                Response = response;
            }
            return response;
        }
    }
}
