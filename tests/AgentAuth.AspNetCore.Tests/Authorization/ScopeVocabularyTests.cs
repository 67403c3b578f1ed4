using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>
/// Issue 20: scopes in every vocabulary agents use. A pattern with fewer than two ':' is an exact, case-sensitive match
/// (agents.read, read, crm:read, read:crm, api://app/.default), accepted by every declaration form, and the claims scopes
/// are read from are configurable (scope, scp by default; scopes addable). Through the real scheme with bearer tokens.
/// </summary>
public sealed class ScopeVocabularyTests : IAsyncLifetime
{
    private readonly TokenSetup _setup = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    [Theory]
    [InlineData("agents.read")]
    [InlineData("read")]
    [InlineData("crm:read")]
    [InlineData("read:crm")]
    [InlineData("api://app/.default")]
    public void Every_declaration_form_accepts_an_exact_match_scope(string scope)
    {
        Assert.Equal([scope], new RequireScopeAttribute(scope).Scopes);
        Assert.Equal([scope], new ScopeRequirement(scope).Scopes);
        Assert.Single(new AuthorizationPolicyBuilder().RequireScope(scope).Build().Requirements.OfType<ScopeRequirement>());
        Assert.Equal("Scope:" + scope, AgentAuthScopePolicy.Name(scope));
    }

    [Theory]
    [InlineData("agents.{x}")]
    [InlineData("read:{id}")]
    public void Braces_in_an_exact_match_scope_are_refused_at_startup(string scope)
    {
        var error = Assert.Throws<FormatException>(() => new RequireScopeAttribute(scope));
        Assert.Contains($"'{scope}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("matched exactly", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/vocab/agents", "agents.read", HttpStatusCode.OK)]
    [InlineData("/vocab/agents", "agents.write", HttpStatusCode.Forbidden)]
    [InlineData("/vocab/agents", "Agents.read", HttpStatusCode.Forbidden)]
    [InlineData("/vocab/read", "read write", HttpStatusCode.OK)]
    [InlineData("/vocab/read", "reader", HttpStatusCode.Forbidden)]
    [InlineData("/vocab/crm", "crm:read", HttpStatusCode.OK)]
    [InlineData("/vocab/crm", "read:crm", HttpStatusCode.Forbidden)]
    [InlineData("/vocab/entra", "api://app/.default", HttpStatusCode.OK)]
    [InlineData("/vocab/entra", "api://app/.Default", HttpStatusCode.Forbidden)]
    [InlineData("/vocab/policy", "read:crm", HttpStatusCode.OK)]
    [InlineData("/vocab/policy", "crm:read", HttpStatusCode.Forbidden)]
    public async Task Exact_match_scopes_are_enforced_through_the_scheme(string path, string granted, HttpStatusCode expected)
    {
        var host = await StartAsync();

        using var response = await SendAsync(host, path, c => c["scope"] = granted);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_403_names_the_exact_scope_as_written()
    {
        var host = await StartAsync();

        using var response = await SendAsync(host, "/vocab/entra", c => c["scope"] = "agents.read");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = Assert.Single(Header(response, "WWW-Authenticate"));
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.EndsWith("scope=\"api://app/.default\"", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plural_scopes_claim_grants_nothing_by_default()
    {
        var host = await StartAsync();

        using var response = await SendAsync(host, "/vocab/agents", c => c["scopes"] = "agents.read");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_plural_scopes_claim_grants_when_added_in_string_and_array_form()
    {
        var host = await StartAsync(o => o.ScopeClaims.Add("scopes"));

        using var asString = await SendAsync(host, "/vocab/agents", c => c["scopes"] = "crm:read agents.read");
        using var asArray = await SendAsync(host, "/vocab/agents", c => c["scopes"] = new JsonArray("crm:read", "agents.read"));
        using var scpStillWorks = await SendAsync(host, "/vocab/agents", c => c["scp"] = new JsonArray("agents.read"));

        Assert.Equal(HttpStatusCode.OK, asString.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asArray.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scpStillWorks.StatusCode);
    }

    [Fact]
    public async Task A_scope_claim_that_is_not_configured_grants_nothing()
    {
        var host = await StartAsync(o =>
        {
            o.ScopeClaims.Clear();
            o.ScopeClaims.Add("scp");
        });

        using var viaScope = await SendAsync(host, "/vocab/agents", c => c["scope"] = "agents.read");
        using var viaScp = await SendAsync(host, "/vocab/agents", c => c["scp"] = "agents.read");

        Assert.Equal(HttpStatusCode.Forbidden, viaScope.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaScp.StatusCode);
    }

    [Theory]
    [InlineData(new string[0], "ScopeClaims is empty")]
    [InlineData(new[] { "scope", "" }, "ScopeClaims entry ''")]
    [InlineData(new[] { "my scopes" }, "ScopeClaims entry 'my scopes'")]
    [InlineData(new[] { "cnf_jkt" }, "ScopeClaims entry 'cnf_jkt'")]
    public void Scope_claims_are_validated_at_startup_naming_the_option(string[] claims, string message)
    {
        var options = TestTokens.Options(inlineJwks: null);
        options.ScopeClaims.Clear();
        foreach (var claim in claims)
        {
            options.ScopeClaims.Add(claim);
        }

        var result = new AgentAuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("AgentAuthOptions." + message, StringComparison.Ordinal));
    }

    private async Task<HandlerHost> StartAsync(Action<AgentAuthOptions>? configure = null) =>
        await _setup.StartAsync(o =>
        {
            o.AllowBearerTokens = true;
            configure?.Invoke(o);
        }, beforeAuthentication: app =>
        {
            app.MapGet("/vocab/agents", () => "ok").RequireScope("agents.read");
            app.MapGet("/vocab/read", () => "ok").RequireScope("read");
            app.MapGet("/vocab/crm", () => "ok").RequireScope("crm:read");
            app.MapGet("/vocab/entra", () => "ok").RequireScope("api://app/.default");
            app.MapGet("/vocab/policy", () => "ok").RequireAuthorization(AgentAuthScopePolicy.Prefix + "read:crm");
        });

    private async Task<HttpResponseMessage> SendAsync(HandlerHost host, string path, Action<JsonObject> claims)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _setup.Token(cnf: null, claims));
        return await host.SendAsync(request);
    }
}
