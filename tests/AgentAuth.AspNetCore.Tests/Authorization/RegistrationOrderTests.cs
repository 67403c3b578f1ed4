using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>
/// <c>AddAgentAuth</c> decorates the policy provider and the authorization result handler whether the application calls
/// <c>AddAuthorization</c> (with its own policies) before or after it.
/// </summary>
public sealed class RegistrationOrderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddAuthorization_before_or_after_AddAgentAuth_gives_the_same_decorated_services(bool authorizationFirst)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (authorizationFirst)
        {
            services.AddAuthorization(options => options.AddPolicy("Admins", p => p.RequireRole("admin")));
        }
        services.AddAuthentication().AddAgentAuth(options => options.AllowSignatureOnly = true);
        if (!authorizationFirst)
        {
            services.AddAuthorization(options => options.AddPolicy("Admins", p => p.RequireRole("admin")));
        }
        using var provider = services.BuildServiceProvider();

        var policies = provider.GetRequiredService<IAuthorizationPolicyProvider>();
        Assert.IsType<ScopePolicyProvider>(policies);
        Assert.NotNull(await policies.GetPolicyAsync("Admins"));
        var scope = await policies.GetPolicyAsync(AgentAuthScopePolicy.Prefix + "read:data:*");
        Assert.NotNull(scope);
        Assert.Contains(scope.Requirements, r => r is ScopeRequirement);
        Assert.IsType<InsufficientScopeResultHandler>(provider.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler>());
    }
}
