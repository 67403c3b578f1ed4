using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using AgentAuth.AspNetCore.Tests.Authorization;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// The 403 <c>insufficient_scope</c> challenge takes <c>realm</c> and <c>error_description</c> from the options of the
/// AgentAuth scheme that authenticated the request, whatever that scheme is called: carried by the scheme's identity, or
/// (when a <c>TokenValidated</c> event replaced the principal) recorded for the request. Never from the options that
/// merely bear the default scheme name.
/// </summary>
public sealed class ScopeChallengeSchemeOptionsTests : IAsyncLifetime
{
    private const string SchemeName = "partner-agents";
    private readonly TokenSetup _setup = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    private ScopeTestAppFactory App(bool replacePrincipal) => new(
        services =>
        {
            services.AddSingleton<TimeProvider>(_setup.Time);
            services.AddAuthentication(SchemeName).AddAgentAuth(SchemeName, o =>
            {
                o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = _setup.IssuerJwks });
                o.Audiences.Add(TestTokens.Audience);
                o.AllowBearerTokens = true;
                o.Realm = "partners";
                o.IncludeErrorDetails = false;
                if (replacePrincipal)
                {
                    o.Events.OnTokenValidated = context =>
                    {
                        // An application's own principal: a plain identity with the same authentication type and claims.
                        var identity = new ClaimsIdentity(context.Principal!.Claims.Select(c => new Claim(c.Type, c.Value)), AgentAuthDefaults.AuthenticationScheme);
                        context.Principal = new ClaimsPrincipal(identity);
                        return Task.CompletedTask;
                    };
                }
            });
            services.AddAgentAuthScopeAuthorization();
            // Options under the default scheme name exist but belong to no registered scheme: they must not be used.
            services.Configure<AgentAuthOptions>(AgentAuthDefaults.AuthenticationScheme, o =>
            {
                o.Realm = "default-name";
                o.IncludeErrorDetails = true;
            });
        },
        endpoints => endpoints.MapGet("/data/{id}", (string id) => id)
            .RequireAuthorization(new RequireScopeAttribute("read:data:{id}") { AuthenticationSchemes = SchemeName }));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forbidden_challenge_uses_the_options_of_the_scheme_that_authenticated(bool replacePrincipal)
    {
        using var app = App(replacePrincipal);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/data/7");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _setup.Token(cnf: null, c => c["scope"] = "read:data:8"));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["Bearer realm=\"partners\", error=\"insufficient_scope\", scope=\"read:data:7\""], Header(response, "WWW-Authenticate"));
    }
}
