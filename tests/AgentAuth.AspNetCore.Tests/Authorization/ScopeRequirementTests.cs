using System.Reflection;
using System.Security.Claims;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>The requirement, the attribute, the policy-builder extension and the handler.</summary>
public sealed class ScopeRequirementTests
{
    private static readonly ScopeAuthorizationHandler s_handler = new(NullLogger<ScopeAuthorizationHandler>.Instance);

    [Fact]
    public void Requirement_keeps_the_patterns_in_order_without_duplicates()
    {
        var requirement = new ScopeRequirement("read:data:*", "write:data:{id}", "read:data:*");

        Assert.Equal(["read:data:*", "write:data:{id}"], requirement.Scopes);
        Assert.Equal("ScopeRequirement: any of read:data:* write:data:{id}", requirement.ToString());
    }

    [Fact]
    public void Requirement_rejects_nothing_and_null()
    {
        Assert.Throws<ArgumentException>(() => new ScopeRequirement());
        Assert.Throws<ArgumentException>(() => new ScopeRequirement(new string[] { null! }));
        Assert.Throws<ArgumentNullException>(() => new ScopeRequirement((IEnumerable<string>)null!));
    }

    [Fact]
    public void Invalid_patterns_fail_at_construction_naming_the_pattern()
    {
        var error = Assert.Throws<FormatException>(() => new RequireScopeAttribute("read:data:*", "read::x"));
        Assert.Contains("'read::x'", error.Message, StringComparison.Ordinal);

        error = Assert.Throws<FormatException>(() => new ScopeRequirement("read:{x}:1"));
        Assert.Contains("'read:{x}:1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("only allowed in the identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_is_a_complete_authorization_attribute_for_the_AgentAuth_scheme()
    {
        var attribute = new RequireScopeAttribute("read:data:*", "admin:data:*");

        Assert.IsAssignableFrom<AuthorizeAttribute>(attribute);
        Assert.Equal(AgentAuthDefaults.AuthenticationScheme, attribute.AuthenticationSchemes);
        Assert.Null(attribute.Policy);
        Assert.Equal(["read:data:*", "admin:data:*"], attribute.Scopes);
        Assert.Same(attribute.Requirement, Assert.Single(attribute.GetRequirements()));

        var usage = typeof(RequireScopeAttribute).GetCustomAttribute<AttributeUsageAttribute>()!;
        Assert.True(usage.AllowMultiple);
        Assert.Equal(AttributeTargets.Class | AttributeTargets.Method, usage.ValidOn);
    }

    [Fact]
    public void Policy_builder_adds_the_scheme_and_the_authenticated_user_once()
    {
        var policy = new AuthorizationPolicyBuilder().RequireScope("read:data:*").RequireScope("write:data:*").Build();

        Assert.Equal([AgentAuthDefaults.AuthenticationScheme], policy.AuthenticationSchemes);
        Assert.Single(policy.Requirements.OfType<DenyAnonymousAuthorizationRequirement>());
        Assert.Equal(2, policy.Requirements.OfType<ScopeRequirement>().Count());
    }

    [Fact]
    public async Task Scopes_on_other_schemes_identities_are_ignored_and_leave_the_decision_to_the_challenge()
    {
        var requirement = new ScopeRequirement("read:data:*");
        var other = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AgentAuthClaimTypes.Scope, "read:data:*")], "Cookies"));
        var context = new AuthorizationHandlerContext([requirement], other, new DefaultHttpContext());

        await s_handler.HandleAsync(context);

        Assert.False(context.HasSucceeded);
        Assert.False(context.HasFailed); // no AgentAuth identity: not a scope failure, the middleware challenges
    }

    [Fact]
    public async Task An_unauthenticated_identity_named_AgentAuth_does_not_count()
    {
        var requirement = new ScopeRequirement("read:data:*");
        var identity = new ClaimsIdentity([new Claim(AgentAuthClaimTypes.Scope, "read:data:*")]);
        var context = new AuthorizationHandlerContext([requirement], new ClaimsPrincipal(identity), null);

        await s_handler.HandleAsync(context);

        Assert.False(context.HasSucceeded);
    }

    [Fact]
    public async Task A_space_separated_scope_claim_never_matches()
    {
        var requirement = new ScopeRequirement("read:data:*");
        var context = new AuthorizationHandlerContext([requirement], ScopeCoverageTableTests.AgentPrincipal(["read:data:* write:data:*"]), null);

        await s_handler.HandleAsync(context);

        Assert.True(context.HasFailed);
        var reason = Assert.IsType<ScopeAuthorizationFailureReason>(Assert.Single(context.FailureReasons));
        Assert.Same(requirement, reason.Requirement);
        Assert.Same(s_handler, reason.Handler);
        Assert.Contains("read:data:*", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_AgentAuth_identity_is_also_searched()
    {
        var requirement = new ScopeRequirement("read:data:*");
        var user = ScopeCoverageTableTests.AgentPrincipal(["write:data:*"]);
        user.AddIdentity(new ClaimsIdentity([new Claim(AgentAuthClaimTypes.Scope, "read:data:*")], AgentAuthDefaults.AuthenticationScheme));
        var context = new AuthorizationHandlerContext([requirement], user, null);

        await s_handler.HandleAsync(context);

        Assert.True(context.HasSucceeded);
    }

    [Fact]
    public async Task Placeholders_fail_closed_without_an_HttpContext()
    {
        var requirement = new ScopeRequirement("read:data:{id}");
        var context = new AuthorizationHandlerContext([requirement], ScopeCoverageTableTests.AgentPrincipal(["read:data:*"]), resource: "not an HttpContext");

        await s_handler.HandleAsync(context);

        Assert.True(context.HasFailed);
    }

    [Fact]
    public async Task Placeholders_resolve_from_an_MVC_filter_context_and_formattable_route_values()
    {
        var httpContext = new DefaultHttpContext();
        httpContext.Request.RouteValues["id"] = 42;
        var filterContext = new AuthorizationFilterContext(
            new ActionContext(httpContext, new RouteData(), new ActionDescriptor()),
            new List<IFilterMetadata>());
        var requirement = new ScopeRequirement("read:data:{id}");
        var context = new AuthorizationHandlerContext([requirement], ScopeCoverageTableTests.AgentPrincipal(["read:data:42"]), filterContext);

        await s_handler.HandleAsync(context);

        Assert.True(context.HasSucceeded);
    }

    [Fact]
    public async Task Any_alternative_may_be_the_one_that_resolves()
    {
        // The first alternative fails closed (no route value); the second, literal one is granted.
        var requirement = new ScopeRequirement("read:data:{id}", "admin:data:*");
        var context = new AuthorizationHandlerContext([requirement], ScopeCoverageTableTests.AgentPrincipal(["admin:data:*"]), new DefaultHttpContext());

        await s_handler.HandleAsync(context);

        Assert.True(context.HasSucceeded);
    }

    [Fact]
    public void Scope_policy_names_are_built_from_validated_scopes()
    {
        Assert.Equal("Scope:read:data:* admin:data:*", AgentAuthScopePolicy.Name("read:data:*", "admin:data:*"));
        Assert.Throws<FormatException>(() => AgentAuthScopePolicy.Name("read:data:"));
    }
}
