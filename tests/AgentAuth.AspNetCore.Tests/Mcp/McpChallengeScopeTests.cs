using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>
/// The 401 of an MCP endpoint (<c>MapMcp().RequireAgentAuth()</c>) names the scopes the server's tools, prompts and resources
/// require (RFC 6750 §3; MCP scope selection) next to <c>resource_metadata</c>, and the metadata document lists the same ones.
/// Over Kestrel, a plain unauthenticated MCP POST.
/// </summary>
public sealed class McpChallengeScopeTests : IAsyncLifetime
{
    private static readonly string[] s_expected = ["config.read", "read:data:*", "read:files:*", "records.delete"];

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

    private static string Parameter(string challenge, string name)
    {
        var marker = name + "=\"";
        var start = challenge.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{name} missing in {challenge}");
        start += marker.Length;
        return challenge[start..challenge.IndexOf('"', start)];
    }

    [Fact]
    public async Task An_unauthenticated_MCP_POST_is_challenged_with_the_servers_scopes_and_the_metadata_url_that_lists_them()
    {
        _host = await McpHost.StartAsync(_setup);
        using var http = new HttpClient { BaseAddress = _host.Host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = string.Join(", ", response.Headers.GetValues("WWW-Authenticate"));
        Assert.Contains("Bearer scope=\"", challenge, StringComparison.Ordinal);
        var scopes = Parameter(challenge, "scope").Split(' ');
        Assert.Equal(s_expected, scopes.Order(StringComparer.Ordinal));
        var metadataUrl = new Uri(Parameter(challenge, "resource_metadata"));
        Assert.Equal("/.well-known/oauth-protected-resource/mcp", metadataUrl.AbsolutePath);

        using var metadata = await http.GetAsync(metadataUrl.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        var document = JsonNode.Parse(await metadata.Content.ReadAsStringAsync())!;
        var listed = document["scopes_supported"]!.AsArray().Select(s => (string)s!).Order(StringComparer.Ordinal);
        Assert.Equal(s_expected, listed);
    }

    [Fact]
    public async Task Every_challenge_of_the_MCP_endpoint_names_the_scopes_the_SSE_GET_too()
    {
        _host = await McpHost.StartAsync(_setup);
        using var http = new HttpClient { BaseAddress = _host.Host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = string.Join(", ", response.Headers.GetValues("WWW-Authenticate"));
        Assert.Equal(s_expected, Parameter(challenge, "scope").Split(' ').Order(StringComparer.Ordinal));
    }
}
