using System.Net;
using System.Text.Json;
using AgentAuth.AspNetCore.Mcp;
using AgentAuth.AspNetCore.Tests.Handler;
using ModelContextProtocol.Client;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>
/// Issue 20: a tool argument used as a scope placeholder is untrusted input. Only a JSON string or number becomes a value;
/// anything that could reach another identifier or break the challenge (':' , a space, a quote, an object) fails closed.
/// </summary>
public sealed class McpPlaceholderAttackTests : IAsyncLifetime
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
    [InlineData("2:x")]
    [InlineData("2 x")]
    [InlineData("2\"x")]
    [InlineData("")]
    public async Task An_argument_that_is_not_a_clean_scope_identifier_fails_closed_even_for_a_wildcard(string id)
    {
        _host = await McpHost.StartAsync(_setup);
        var recorder = new McpHost.Recorder();
        using var http = _host.SigningClient(recorder, _setup.BoundToken(c => c["scope"] = "read:data:*"));
        await using var client = await _host.ConnectAsync(http);

        await Assert.ThrowsAnyAsync<Exception>(() => client.CallToolAsync("get_record", new Dictionary<string, object?> { ["id"] = id }).AsTask());

        var refused = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        // The value never reaches the header: a pattern whose placeholder failed closed is left out of scope="…".
        Assert.DoesNotContain("scope=", refused.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_numeric_argument_is_its_JSON_text()
    {
        _host = await McpHost.StartAsync(_setup);
        var recorder = new McpHost.Recorder();
        using var http = _host.SigningClient(recorder, _setup.BoundToken(c => c["scope"] = "read:data:2"));
        await using var client = await _host.ConnectAsync(http);

        // Authorized as read:data:2 (whether the tool then binds a number to its string parameter is the SDK's business).
        await client.CallToolAsync("get_record", new Dictionary<string, object?> { ["id"] = 2 });
        Assert.Equal(HttpStatusCode.OK, recorder.Exchanges.Last().Response.StatusCode);

        await Assert.ThrowsAnyAsync<Exception>(() => client.CallToolAsync("get_record", new Dictionary<string, object?> { ["id"] = 3 }).AsTask());
        var refused = recorder.Exchanges.Last();
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Contains("scope=\"read:data:3\"", refused.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_strings_and_numbers_become_placeholder_values()
    {
        using var document = JsonDocument.Parse("""{"s":"a","n":12.5,"t":true,"z":null,"o":{"x":"1"},"a":["1"]}""");

        var values = McpArguments.ToPlaceholderValues(document.RootElement);

        Assert.Equal(new Dictionary<string, object?> { ["s"] = "a", ["n"] = "12.5" }, values);
    }
}
