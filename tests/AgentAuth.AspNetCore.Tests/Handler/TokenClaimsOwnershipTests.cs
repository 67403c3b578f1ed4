using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// A token's claims mapped for one request (token cache off) are created for that request's identity and kept by it; a
/// claim set mapped for the cache belongs to no identity and each principal gets copies. Both give the same principal.
/// </summary>
public sealed class TokenClaimsOwnershipTests : IAsyncLifetime
{
    private readonly TokenSetup _setup = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    [Fact]
    public void Claims_mapped_for_one_request_belong_to_its_identity_and_equal_the_cached_mapping()
    {
        var jwt = new JsonWebToken(_setup.Token(cnf: null, c =>
        {
            c["scope"] = "read:data write:data";
            c["roles"] = new System.Text.Json.Nodes.JsonArray("a", "b");
        }));
        string[] scopeClaims = ["scope"];

        Assert.True(AgentPrincipalFactory.TryCreateTokenClaims(jwt, scopeClaims, out var cached, out _));
        var own = new AgentClaimsIdentity(AgentAuthDefaults.AuthenticationScheme, schemeOptions: null);
        Assert.True(AgentPrincipalFactory.TryCreateTokenClaims(jwt, scopeClaims, out var perRequest, out _, own));

        var fromCache = AgentPrincipalFactory.CreatePrincipal(AgentAuthDefaults.AuthenticationScheme, AgentAuthenticationModes.Bearer, cached, null, null, null);
        var fromOwn = AgentPrincipalFactory.CreatePrincipal(AgentAuthDefaults.AuthenticationScheme, AgentAuthenticationModes.Bearer, perRequest, null, null, null, identity: own);

        Assert.Same(own, fromOwn.Identity);
        Assert.Equal(Describe(fromCache), Describe(fromOwn));
        Assert.Contains(fromOwn.Claims, c => c.Type == "scope" && c.Value == "write:data");
        Assert.All(fromOwn.Claims, c => Assert.Same(own, c.Subject));
        Assert.All(perRequest!.Claims, c => Assert.Contains(c, own.Claims));
        // The cached set is untouched by the principals built from it: its claims still belong to no identity.
        Assert.All(cached!.Claims, c => Assert.Null(c.Subject));
        Assert.All(fromCache.Claims, c => Assert.Same(fromCache.Identity, c.Subject));
    }

    private static List<string> Describe(System.Security.Claims.ClaimsPrincipal principal) =>
        principal.Claims.Select(c => $"{c.Type}|{c.Value}|{c.ValueType}|{c.Issuer}|{c.OriginalIssuer}").ToList();
}
