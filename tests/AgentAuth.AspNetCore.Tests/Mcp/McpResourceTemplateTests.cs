using System.Net;
using AgentAuth.AspNetCore.Mcp;
using AgentAuth.AspNetCore.Tests.Handler;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>
/// Resources read by URI template: the pre-dispatch check finds the resource the SDK dispatches to (its template matching),
/// and a <c>{name}</c> placeholder takes the template variable of that name, so a forbidden read is HTTP 403
/// <c>insufficient_scope</c> before dispatch (not the SDK's 200 with a JSON-RPC error), driven by the SDK's client over Kestrel.
/// </summary>
public sealed class McpResourceTemplateTests : IAsyncLifetime
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

    private string BoundToken(string scope) => _setup.BoundToken(c => c["scope"] = scope);

    [Theory]
    [InlineData(null)]
    [InlineData(McpHost.SessionProtocol)]
    public async Task A_templated_resource_read_is_checked_against_the_template_variable_before_dispatch(string? protocol)
    {
        _host = await McpHost.StartAsync(_setup);
        var recorder = new McpHost.Recorder();
        using var http = _host.SigningClient(recorder, BoundToken("read:files:a"));
        await using var client = await _host.ConnectAsync(http, protocolVersion: protocol);

        var allowed = await client.ReadResourceAsync("files://docs/a");
        Assert.Equal("file:a", Assert.IsType<TextResourceContents>(Assert.Single(allowed.Contents)).Text);

        // The SDK's client surfaces the HTTP 403 as an exception; the body is the SDK's JSON-RPC error.
        await Assert.ThrowsAnyAsync<Exception>(() => client.ReadResourceAsync("files://docs/b").AsTask());
        var forbidden = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Response.StatusCode);
        Assert.Equal("Bearer error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"read:files:b\", resource_metadata=\"http://localhost/.well-known/oauth-protected-resource/mcp\"", forbidden.WwwAuthenticate);
        Assert.Contains("\"code\":-32600,\"message\":\"Access forbidden: This resource requires authorization.\"", forbidden.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fixed_resource_is_refused_with_403_and_its_exact_scope()
    {
        _host = await McpHost.StartAsync(_setup);
        var recorder = new McpHost.Recorder();
        using var http = _host.SigningClient(recorder, BoundToken("read:files:*"));
        await using var client = await _host.ConnectAsync(http);

        await Assert.ThrowsAnyAsync<Exception>(() => client.ReadResourceAsync("config://app").AsTask());
        var forbidden = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Response.StatusCode);
        Assert.Contains("scope=\"config.read\"", forbidden.WwwAuthenticate, StringComparison.Ordinal);

        // The wildcard covers any file name.
        var file = await client.ReadResourceAsync("files://docs/anything");
        Assert.Equal("file:anything", Assert.IsType<TextResourceContents>(Assert.Single(file.Contents)).Text);
    }

    [Theory]
    [InlineData("files://docs/a%3Ab")] // decodes to "a:b": ':' could reach another identifier
    [InlineData("files://docs/a%20b")] // decodes to "a b"
    [InlineData("files://docs/")]     // empty variable
    public async Task A_template_variable_that_is_not_a_clean_identifier_fails_closed_with_403(string uri)
    {
        _host = await McpHost.StartAsync(_setup);
        var recorder = new McpHost.Recorder();
        using var http = _host.SigningClient(recorder, BoundToken("read:files:*"));
        await using var client = await _host.ConnectAsync(http);

        await Assert.ThrowsAnyAsync<Exception>(() => client.ReadResourceAsync(uri).AsTask());
        var forbidden = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Response.StatusCode);
        Assert.DoesNotContain("scope=", forbidden.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_precheck_the_SDK_filter_uses_the_template_variable_too()
    {
        _host = await McpHost.StartAsync(_setup, precheck: false);
        var recorder = new McpHost.Recorder();
        using var http = _host.SigningClient(recorder, BoundToken("read:files:a"));
        await using var client = await _host.ConnectAsync(http);

        var allowed = await client.ReadResourceAsync("files://docs/a");
        Assert.Equal("file:a", Assert.IsType<TextResourceContents>(Assert.Single(allowed.Contents)).Text);
        var error = await Assert.ThrowsAnyAsync<McpException>(() => client.ReadResourceAsync("files://docs/b").AsTask());
        Assert.Contains("Access forbidden", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, recorder.Exchanges.Last().Response.StatusCode);
    }

    [Theory]
    [InlineData("files://docs/{name}", "files://docs/x%2Fy", "name=x/y")]
    [InlineData("files://docs/{name}", "FILES://DOCS/Ab", "name=Ab")]
    [InlineData("files://{org}/{name}", "files://o/n", "org=o name=n")]
    [InlineData("files://docs{/name}", "files://docs/n", "name=n")]
    [InlineData("files://docs{?name,rev}", "files://docs?name=n&rev=2", "name=n rev=2")]
    [InlineData("files://docs/{+path}", "files://docs/a/b", "path=a/b")]
    [InlineData("files://docs/{name}", "files://docs/a/b", "")]
    [InlineData("files://{a.b}", "files://x", "")]             // dotted name: not read with certainty, fails closed
    [InlineData("files://{name", "files://x", "")]            // unclosed expression
    [InlineData("files://{name}{name}", "files://xy", "")]    // a name used twice
    [InlineData("files://{name:3*}", "files://x", "")]        // prefix and explode together
    public void Template_variables_follow_the_SDKs_matching_and_fail_closed_otherwise(string template, string uri, string expected)
    {
        var parser = McpResourceTemplates.CreateParser(template);
        var values = new List<string>();
        if (parser?.Match(uri) is { Success: true } match)
        {
            foreach (var name in parser.GetGroupNames())
            {
                if (name != "0" && match.Groups[name].Success)
                {
                    values.Add(name + "=" + Uri.UnescapeDataString(match.Groups[name].Value));
                }
            }
        }
        Assert.Equal(expected, string.Join(' ', values));
    }
}
