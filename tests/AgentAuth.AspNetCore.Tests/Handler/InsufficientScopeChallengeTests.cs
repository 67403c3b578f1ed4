using System.Net;
using System.Net.Http.Headers;
using AgentAuth.AspNetCore.Tests.Authorization;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// The 403 <c>insufficient_scope</c> challenge follows the scheme's challenge options like the 401s do: <c>realm</c>
/// when configured, <c>error_description</c> only with <c>IncludeErrorDetails</c>; the error code and <c>scope</c> always.
/// </summary>
public sealed class InsufficientScopeChallengeTests : IAsyncLifetime
{
    private readonly TokenSetup _setup = new();
    private AgentAppFactory? _factory;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await _setup.DisposeAsync();
    }

    private HttpClient Client(bool includeErrorDetails)
    {
        _factory = new AgentAppFactory(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:AgentAuth:AgentKeys:JsonWebKeySet"] = _setup.Agent.Jwks,
            ["Authentication:Schemes:AgentAuth:Audiences:0"] = TestTokens.Audience,
            ["Authentication:Schemes:AgentAuth:Issuers:0:Issuer"] = TestTokens.Issuer,
            ["Authentication:Schemes:AgentAuth:Issuers:0:JsonWebKeySet"] = _setup.IssuerJwks,
            ["Authentication:Schemes:AgentAuth:AllowBearerTokens"] = "true",
            ["Authentication:Schemes:AgentAuth:Realm"] = "agents",
            ["Authentication:Schemes:AgentAuth:IncludeErrorDetails"] = includeErrorDetails ? "true" : "false",
        }, _setup.Time);
        return _factory.CreateClient();
    }

    private async Task<HttpResponseMessage> SendWithScope(HttpClient client, string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/minimal/data/7");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _setup.Token(cnf: null, c => c["scope"] = scope));
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Forbidden_challenge_carries_the_realm_and_no_description_when_details_are_off()
    {
        using var client = Client(includeErrorDetails: false);

        using var forbidden = await SendWithScope(client, "read:data:8");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(["Bearer realm=\"agents\", error=\"insufficient_scope\", scope=\"read:data:7\""], Header(forbidden, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Forbidden_challenge_carries_the_realm_and_the_description_when_details_are_on()
    {
        using var client = Client(includeErrorDetails: true);

        using var forbidden = await SendWithScope(client, "read:data:8");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(
            ["Bearer realm=\"agents\", error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"read:data:7\""],
            Header(forbidden, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Another_handler_issuing_the_identity_gets_the_options_of_the_default_scheme_name()
    {
        using var app = new ScopeTestAppFactory(
            services =>
            {
                TestAgentAuthHandler.AddTo(services.AddAuthentication());
                services.AddAgentAuthScopeAuthorization();
                services.Configure<AgentAuthOptions>(AgentAuthDefaults.AuthenticationScheme, o =>
                {
                    o.Realm = "agents";
                    o.IncludeErrorDetails = false;
                });
            },
            endpoints => endpoints.MapGet("/data/{id}", (string id) => id).RequireScope("read:data:{id}"));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/data/42");
        request.Headers.Add(TestAgentAuthHandler.ScopesHeader, "read:data:1");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["Bearer realm=\"agents\", error=\"insufficient_scope\", scope=\"read:data:42\""], Header(response, "WWW-Authenticate"));
    }
}
