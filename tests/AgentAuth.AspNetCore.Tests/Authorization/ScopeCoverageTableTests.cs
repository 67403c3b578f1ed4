using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>One test per row of the tables in docs/scopes.md.</summary>
public sealed class ScopeCoverageTableTests
{
    public static TheoryData<int> CoverageRows() => new(ScopeDocTables.Coverage().Select(r => r.Line));

    public static TheoryData<int> CombinationRows() => new(ScopeDocTables.Combination().Select(r => r.Line));

    [Fact]
    public void The_documented_tables_are_complete()
    {
        var coverage = ScopeDocTables.Coverage();
        Assert.True(coverage.Count >= 50, $"coverage table has {coverage.Count} rows");
        Assert.All(coverage, r => Assert.Contains(r.Result, new[] { "covered", "not covered", "invalid pattern" }));
        var combination = ScopeDocTables.Combination();
        Assert.True(combination.Count >= 8, $"combination table has {combination.Count} rows");
        Assert.All(combination, r => Assert.Contains(r.Result, new[] { "authorized", "forbidden" }));

        // Every AgentWrit scope_test.go case of protocols.md §7 is a row.
        // Issue 20: AgentWrit's two-part and one-part parse errors are exact-match scopes here.
        string[] agentWritParseErrors = ["", ":Customers:*", "read::*", "read:Customers:"];
        Assert.All(agentWritParseErrors, bad => Assert.Contains(coverage, r => r.Required == bad && r.Result == "invalid pattern"));
        Assert.All(["read:Customers", "read"], exact => Assert.Contains(coverage, r => r.Required == exact && r.Result == "not covered"));
        Assert.Contains(coverage, r => r.Granted.SequenceEqual(["*:*:*"]) && r.Required == "read:data:42" && r.Result == "not covered");
        Assert.Contains(coverage, r => r.Granted.SequenceEqual(["*:*:*"]) && r.Required == "*:*:42" && r.Result == "covered");
    }

    [Theory]
    [MemberData(nameof(CoverageRows))]
    public async Task Coverage_row(int line)
    {
        var row = ScopeDocTables.Coverage().Single(r => r.Line == line);

        if (row.Result == "invalid pattern")
        {
            Assert.Throws<FormatException>(() => new ScopeRequirement(row.Required));
            Assert.Throws<FormatException>(() => new RequireScopeAttribute(row.Required));
            Assert.Throws<FormatException>(() => new AuthorizationPolicyBuilder().RequireScope(row.Required));
            Assert.Throws<FormatException>(() => new RouteGroupBuilderStub().RequireScope(row.Required));
            return;
        }

        var expected = row.Result == "covered";
        var httpContext = new DefaultHttpContext();
        foreach (var (name, value) in row.RouteValues)
        {
            httpContext.Request.RouteValues[name] = value;
        }
        var requirement = new ScopeRequirement(row.Required);
        var context = new AuthorizationHandlerContext([requirement], AgentPrincipal(row.Granted), httpContext);
        await new ScopeAuthorizationHandler(NullLogger<ScopeAuthorizationHandler>.Instance).HandleAsync(context);

        Assert.Equal(expected, context.HasSucceeded);
        Assert.Equal(!expected, context.HasFailed);

        // Without placeholders the public value type gives the same answer.
        if (!row.Required.Contains('{') && Scope.TryParse(row.Required, out var required))
        {
            var byValueType = row.Granted.Any(g => Scope.TryParse(g, out var granted) && granted.Covers(required));
            Assert.Equal(expected, byValueType);
        }
    }

    [Theory]
    [MemberData(nameof(CombinationRows))]
    public async Task Combination_row(int line)
    {
        var row = ScopeDocTables.Combination().Single(r => r.Line == line);
        using var services = new ServiceCollection().AddLogging().AddAgentAuthScopeAuthorization().BuildServiceProvider();
        var authorization = services.GetRequiredService<IAuthorizationService>();

        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser();
        foreach (var requirement in row.Requirements)
        {
            policy.RequireScope(requirement.Split(' '));
        }
        var result = await authorization.AuthorizeAsync(AgentPrincipal(row.Granted), new DefaultHttpContext(), policy.Build());

        Assert.Equal(row.Result == "authorized", result.Succeeded);
    }

    internal static ClaimsPrincipal AgentPrincipal(IEnumerable<string> scopes, string authMethod = "httpsig+jwt")
    {
        var claims = scopes.Select(s => new Claim(AgentAuthClaimTypes.Scope, s)).Append(new Claim(AgentAuthClaimTypes.AuthenticationMode, authMethod));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AgentAuthDefaults.AuthenticationScheme));
    }

    /// <summary>The smallest endpoint convention builder, to check the convention validates eagerly.</summary>
    private sealed class RouteGroupBuilderStub : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
        }
    }
}
