using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>The <c>Scope:</c> policy provider and the registration that installs it.</summary>
public sealed class ScopePolicyProviderTests
{
    private static ServiceProvider Build(Action<AuthorizationOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging();
        if (configure is not null)
        {
            services.AddAuthorization(configure);
        }
        return services.AddAgentAuthScopeAuthorization().BuildServiceProvider();
    }

    [Fact]
    public async Task Scope_names_become_AgentAuth_scope_policies()
    {
        using var services = Build();
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();

        var policy = await provider.GetPolicyAsync("Scope:read:data:{id} admin:data:*");

        Assert.NotNull(policy);
        Assert.Equal([AgentAuthDefaults.AuthenticationScheme], policy.AuthenticationSchemes);
        Assert.Single(policy.Requirements.OfType<DenyAnonymousAuthorizationRequirement>());
        Assert.Equal(["read:data:{id}", "admin:data:*"], Assert.Single(policy.Requirements.OfType<ScopeRequirement>()).Scopes);
        Assert.Same(policy, await provider.GetPolicyAsync("Scope:read:data:{id} admin:data:*"));
        Assert.NotNull(await provider.GetPolicyAsync("scope:read:data:*")); // the prefix is case-insensitive like policy names
    }

    [Fact]
    public async Task Everything_else_is_answered_by_the_default_provider_and_caching_stays_on()
    {
        using var services = Build(o =>
        {
            o.AddPolicy("Admins", p => p.RequireRole("admin"));
            o.AddPolicy("Scope:custom", p => p.RequireClaim("custom"));
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();

        Assert.True(provider.AllowsCachingPolicies);
        Assert.IsType<RolesAuthorizationRequirement>(Assert.Single((await provider.GetPolicyAsync("Admins"))!.Requirements));
        Assert.IsType<ClaimsAuthorizationRequirement>(Assert.Single((await provider.GetPolicyAsync("Scope:custom"))!.Requirements));
        Assert.Null(await provider.GetPolicyAsync("Unknown"));
        Assert.NotNull(await provider.GetFallbackPolicyAsync());
        Assert.IsType<DenyAnonymousAuthorizationRequirement>(Assert.Single((await provider.GetDefaultPolicyAsync()).Requirements));
    }

    [Fact]
    public async Task An_invalid_scope_policy_name_names_the_policy()
    {
        using var services = Build();
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetPolicyAsync("Scope:read::x"));
        Assert.Contains("'Scope:read::x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'read::x'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetPolicyAsync("Scope:"));
    }

    [Fact]
    public void Registration_is_idempotent_and_decorates_once()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAgentAuthScopeAuthorization();
        services.AddAgentAuthScopeAuthorization();
        services.AddAuthorization();

        Assert.Single(services, d => d.ServiceType == typeof(IAuthorizationPolicyProvider));
        Assert.Single(services, d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        Assert.Single(services, d => d.ServiceType == typeof(IAuthorizationHandler) && d.ImplementationType == typeof(ScopeAuthorizationHandler));

        using var provider = services.BuildServiceProvider();
        Assert.IsType<ScopePolicyProvider>(provider.GetRequiredService<IAuthorizationPolicyProvider>());
        Assert.IsType<InsufficientScopeResultHandler>(provider.GetRequiredService<IAuthorizationMiddlewareResultHandler>());
    }

    [Fact]
    public async Task An_instance_registered_result_handler_is_decorated_and_still_called()
    {
        var custom = new RecordingResultHandler();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(custom);
        services.AddAgentAuthScopeAuthorization();

        using var provider = services.BuildServiceProvider();
        var handler = provider.GetRequiredService<IAuthorizationMiddlewareResultHandler>();
        Assert.IsType<InsufficientScopeResultHandler>(handler);

        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        await handler.HandleAsync(_ => Task.CompletedTask, new Microsoft.AspNetCore.Http.DefaultHttpContext(), policy, PolicyAuthorizationResult.Forbid());
        Assert.Equal(1, custom.Calls);
    }

    private sealed class RecordingResultHandler : IAuthorizationMiddlewareResultHandler
    {
        public int Calls { get; private set; }

        public Task HandleAsync(Microsoft.AspNetCore.Http.RequestDelegate next, Microsoft.AspNetCore.Http.HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            Calls++;
            return Task.CompletedTask;
        }
    }
}
