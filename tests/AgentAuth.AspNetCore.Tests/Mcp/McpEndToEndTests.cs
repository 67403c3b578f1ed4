using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>
/// Issue 20: an MCP server (streamable HTTP, ModelContextProtocol.AspNetCore 2.4.0) protected by AgentAuth, driven over
/// Kestrel by the SDK's own client whose HttpClient signs (AgentAuth.Client), sends DPoP proofs or a bearer token.
/// </summary>
public sealed class McpEndToEndTests : IAsyncLifetime
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

    private async Task<McpHost> StartAsync(bool precheck = true) => _host = await McpHost.StartAsync(_setup, precheck);

    private string BoundToken(string scope) => _setup.BoundToken(c => c["scope"] = scope);

    private static async Task<string> TextOf(McpClient client, string tool, string id)
    {
        var result = await client.CallToolAsync(tool, new Dictionary<string, object?> { ["id"] = id });
        Assert.NotEqual(true, result.IsError);
        return Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
    }

    private static async Task<List<string>> ToolNames(McpClient client) =>
        (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_signed_agent_without_scopes_lists_and_calls_only_the_unscoped_tool()
    {
        var host = await StartAsync();
        var recorder = new McpHost.Recorder();
        using var http = host.SigningClient(recorder);
        await using var client = await host.ConnectAsync(http);

        Assert.Equal(["echo"], await ToolNames(client));
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "hi" });
        Assert.Equal("echo:hi", Assert.IsType<TextContentBlock>(Assert.Single(echo.Content)).Text);
        Assert.All(recorder.Exchanges, e => Assert.True(e.Response.IsSuccessStatusCode, $"{e.Method} {(int)e.Response.StatusCode}"));
        Assert.All(recorder.Exchanges.Where(e => e.Method == HttpMethod.Post), e => Assert.NotNull(e.Response.RequestMessage!.Headers.GetValues("Signature").Single()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(McpHost.SessionProtocol)]
    public async Task A_placeholder_scope_is_checked_against_the_tool_argument(string? protocol)
    {
        var host = await StartAsync();
        var recorder = new McpHost.Recorder();
        using var http = host.SigningClient(recorder, BoundToken("read:data:2"));
        await using var client = await host.ConnectAsync(http, protocolVersion: protocol);

        Assert.Equal(["echo", "get_record"], await ToolNames(client));
        Assert.Equal("record:2", await TextOf(client, "get_record", "2"));

        await Assert.ThrowsAnyAsync<Exception>(() => TextOf(client, "get_record", "1"));

        var forbidden = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Response.StatusCode);
        Assert.Equal("Bearer error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"read:data:1\", resource_metadata=\"http://localhost/.well-known/oauth-protected-resource/mcp\"", forbidden.WwwAuthenticate);
        var error = JsonNode.Parse(forbidden.ResponseBody!)!["error"]!;
        Assert.Equal((int)McpErrorCode.InvalidRequest, (int)error["code"]!);
        Assert.Equal("Access forbidden: This tool requires authorization.", (string)error["message"]!);

        // The session survives the refusal: the allowed call still works afterwards.
        Assert.Equal("record:2", await TextOf(client, "get_record", "2"));
    }

    [Fact]
    public async Task An_exact_match_scope_allows_its_tool_and_a_wildcard_allows_every_record()
    {
        var host = await StartAsync();
        using var http = host.SigningClient(new McpHost.Recorder(), BoundToken("read:data:* records.delete"));
        await using var client = await host.ConnectAsync(http);

        Assert.Equal(["delete_record", "echo", "get_record"], await ToolNames(client));
        Assert.Equal("record:1", await TextOf(client, "get_record", "1"));
        Assert.Equal("record:2", await TextOf(client, "get_record", "2"));
        Assert.Equal("deleted:9", await TextOf(client, "delete_record", "9"));
    }

    [Fact]
    public async Task Step_up_names_the_exact_scope_of_the_forbidden_tool()
    {
        var host = await StartAsync();
        var recorder = new McpHost.Recorder();
        using var http = host.SigningClient(recorder, BoundToken("read:data:2"));
        await using var client = await host.ConnectAsync(http);

        await Assert.ThrowsAnyAsync<Exception>(() => TextOf(client, "delete_record", "2"));

        var forbidden = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Response.StatusCode);
        Assert.Contains("scope=\"records.delete\"", forbidden.WwwAuthenticate, StringComparison.Ordinal);
        Assert.Equal("no-store", forbidden.Response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(McpHost.SessionProtocol)]
    public async Task Without_the_precheck_the_SDK_filter_still_refuses_with_the_MCP_error_using_the_tool_argument(string? protocol)
    {
        var host = await StartAsync(precheck: false);
        var recorder = new McpHost.Recorder();
        using var http = host.SigningClient(recorder, BoundToken("read:data:2"));
        await using var client = await host.ConnectAsync(http, protocolVersion: protocol);

        Assert.Equal("record:2", await TextOf(client, "get_record", "2"));
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() => TextOf(client, "get_record", "1"));
        Assert.Equal(McpErrorCode.InvalidRequest, refused.ErrorCode);
        Assert.Contains("Access forbidden", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["echo", "get_record"], await ToolNames(client));
    }

    [Fact]
    public async Task Prompts_follow_the_same_scopes_with_the_prompt_argument()
    {
        var host = await StartAsync();
        using var noScope = host.SigningClient(new McpHost.Recorder());
        await using var anonymousAgent = await host.ConnectAsync(noScope);
        Assert.Empty(await anonymousAgent.ListPromptsAsync());

        using var http = host.SigningClient(new McpHost.Recorder(), BoundToken("read:data:2"));
        await using var client = await host.ConnectAsync(http);
        Assert.Equal(["summarize_record"], (await client.ListPromptsAsync()).Select(p => p.Name));
        var prompt = await client.GetPromptAsync("summarize_record", new Dictionary<string, object?> { ["id"] = "2" });
        Assert.Contains("Summarize record 2", Assert.IsType<TextContentBlock>(Assert.Single(prompt.Messages).Content).Text, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetPromptAsync("summarize_record", new Dictionary<string, object?> { ["id"] = "1" }).AsTask());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(McpHost.SessionProtocol)]
    public async Task A_tampered_signed_MCP_request_is_refused(string? protocol)
    {
        var host = await StartAsync();
        var recorder = new McpHost.Recorder();
        using var http = host.SigningClient(recorder, BoundToken("read:data:2"));
        await using var client = await host.ConnectAsync(http, protocolVersion: protocol);
        Assert.Equal("record:2", await TextOf(client, "get_record", "2"));

        // After signing: the body now asks for record 1 but keeps the signed Content-Digest of the request for record 2.
        recorder.Tamper = async request =>
        {
            var body = await request.Content!.ReadAsStringAsync();
            if (!body.Contains("\"2\"", StringComparison.Ordinal))
            {
                return;
            }
            var digest = request.Content.Headers.GetValues("Content-Digest").Single();
            var type = request.Content.Headers.ContentType;
            request.Content = new StringContent(body.Replace("\"2\"", "\"1\"", StringComparison.Ordinal), Encoding.UTF8);
            request.Content.Headers.ContentType = type;
            request.Content.Headers.TryAddWithoutValidation("Content-Digest", digest);
        };
        await Assert.ThrowsAnyAsync<Exception>(() => TextOf(client, "get_record", "2"));

        var refused = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Response.StatusCode);
        Assert.Contains("\"1\"", refused.RequestBody, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Host.Logs.Lines, l => l.Message.Contains("record:1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_401_challenge_names_metadata_that_resolves_and_lists_the_tools_scopes()
    {
        var host = await StartAsync();
        var recorder = new McpHost.Recorder();
        using var http = host.HttpClient(null, recorder);

        await Assert.ThrowsAnyAsync<Exception>(() => host.ConnectAsync(http));

        var challenged = recorder.Exchanges.First();
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.Response.StatusCode);
        var challenge = challenged.WwwAuthenticate!;
        const string Parameter = "resource_metadata=\"";
        var start = challenge.IndexOf(Parameter, StringComparison.Ordinal) + Parameter.Length;
        var url = new Uri(challenge[start..challenge.IndexOf('"', start)]);
        Assert.Equal("/.well-known/oauth-protected-resource/mcp", url.AbsolutePath);

        using var metadata = await http.GetAsync(url.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        var document = JsonNode.Parse(await metadata.Content.ReadAsStringAsync())!;
        Assert.Equal(McpHost.Resource, (string)document["resource"]!);
        var scopes = document["scopes_supported"]!.AsArray().Select(s => (string)s!).ToList();
        Assert.Contains("read:data:*", scopes);
        Assert.Contains("records.delete", scopes);
    }

    [Fact]
    public async Task DPoP_bound_tokens_work_for_POST_and_the_SSE_GET()
    {
        var host = await StartAsync();
        var recorder = new McpHost.Recorder();
        using var http = host.SigningClient(recorder, _setup.Token(TokenSetup.Jkt(_setup.Agent.Key.Thumbprint), c => c["scope"] = "read:data:2"), dpop: true);
        await using var client = await host.ConnectAsync(http, standaloneGet: true, McpHost.SessionProtocol);

        Assert.Equal(["echo", "get_record"], await ToolNames(client));
        Assert.Equal("record:2", await TextOf(client, "get_record", "2"));
        await Assert.ThrowsAnyAsync<Exception>(() => TextOf(client, "get_record", "1"));

        var forbidden = recorder.Exchanges.Last(e => e.Response.StatusCode == HttpStatusCode.Forbidden);
        Assert.StartsWith("DPoP error=\"insufficient_scope\"", forbidden.WwwAuthenticate, StringComparison.Ordinal);
        await WaitForAsync(() => recorder.Exchanges.Any(e => e.Method == HttpMethod.Get));
        var get = recorder.Exchanges.First(e => e.Method == HttpMethod.Get);
        Assert.Equal(HttpStatusCode.OK, get.Response.StatusCode);
        Assert.Equal("text/event-stream", get.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(get.Response.RequestMessage!.Headers.Contains("DPoP"));
    }

    [Fact]
    public async Task Signed_requests_open_the_SSE_GET_of_the_session()
    {
        var host = await StartAsync();
        var recorder = new McpHost.Recorder();
        using var http = host.SigningClient(recorder);
        await using var client = await host.ConnectAsync(http, standaloneGet: true, McpHost.SessionProtocol);

        Assert.Equal(["echo"], await ToolNames(client));
        await WaitForAsync(() => recorder.Exchanges.Any(e => e.Method == HttpMethod.Get));
        var get = recorder.Exchanges.First(e => e.Method == HttpMethod.Get);
        Assert.Equal(HttpStatusCode.OK, get.Response.StatusCode);
        Assert.True(get.Response.RequestMessage!.Headers.Contains("Signature"));
        Assert.True(get.Response.RequestMessage!.Headers.Contains("Mcp-Session-Id"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(McpHost.SessionProtocol)]
    public async Task Bearer_tokens_work_when_allowed(string? protocol)
    {
        var host = await StartAsync();
        using var http = host.BearerClient(new McpHost.Recorder(), _setup.Token(cnf: null, c => c["scope"] = "read:data:2"));
        await using var client = await host.ConnectAsync(http, protocolVersion: protocol);

        Assert.Equal(["echo", "get_record"], await ToolNames(client));
        Assert.Equal("record:2", await TextOf(client, "get_record", "2"));
        await Assert.ThrowsAnyAsync<Exception>(() => TextOf(client, "get_record", "1"));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
        Assert.True(condition());
    }
}
