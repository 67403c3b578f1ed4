using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers scope authorization; called by <c>AddAgentAuth(...)</c>.</summary>
internal static class AgentAuthScopeAuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// Adds authorization, the scope handler, the <c>Scope:</c> policy provider, the <c>insufficient_scope</c>
    /// 403 writer and, for MVC, the convention that binds placeholder-named action parameters from the route. Idempotent. The provider and the result handler decorate whatever the application registered
    /// before this call (or the ASP.NET Core defaults), so the application's own policies keep working.
    /// </summary>
    internal static IServiceCollection AddAgentAuthScopeAuthorization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ScopeAuthorizationMarker))
            {
                return services;
            }
        }
        services.AddSingleton<ScopeAuthorizationMarker>();
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeAuthorizationHandler>());
        // MVC only: placeholder-named action parameters bind from the route, so the value authorized is the value received.
        services.TryAddEnumerable(ServiceDescriptor.Transient<IConfigureOptions<MvcOptions>, ScopeRouteBindingMvcOptionsSetup>());
        Decorate<IAuthorizationPolicyProvider>(services, static (_, inner) => new ScopePolicyProvider(inner));
        Decorate<IAuthorizationMiddlewareResultHandler>(services, static (sp, inner) =>
            new InsufficientScopeResultHandler(inner, sp.GetRequiredService<ILogger<InsufficientScopeResultHandler>>()));
        return services;
    }

    /// <summary>Replaces the last (effective) registration of <typeparamref name="TService"/> with a decorator over it, keeping its lifetime.</summary>
    private static void Decorate<TService>(IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(TService) || descriptor.IsKeyedService)
            {
                continue;
            }
            services[i] = ServiceDescriptor.Describe(
                typeof(TService),
                sp => decorate(sp, CreateInner<TService>(sp, descriptor)),
                descriptor.Lifetime);
            return;
        }
        throw new InvalidOperationException($"No {typeof(TService).Name} is registered; AddAuthorization() should have added one.");
    }

    private static TService CreateInner<TService>(IServiceProvider services, ServiceDescriptor descriptor)
        where TService : class
    {
        if (descriptor.ImplementationInstance is TService instance)
        {
            return instance;
        }
        if (descriptor.ImplementationFactory is { } factory)
        {
            return (TService)factory(services);
        }
        return (TService)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
    }

    /// <summary>Marks the collection as already configured.</summary>
    private sealed class ScopeAuthorizationMarker;
}
