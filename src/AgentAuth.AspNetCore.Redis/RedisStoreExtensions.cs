using AgentAuth.AspNetCore;
using AgentAuth.AspNetCore.Redis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the Redis replay cache and revocation store, the shared stores for APIs running on more than one instance.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
    Justification = "The overloads differ in a required parameter's type (connection string or multiplexer) or the type they extend, so a call is never ambiguous.")]
public static class RedisStoreExtensions
{
    /// <summary>
    /// Uses Redis as the AgentAuth <see cref="IReplayCache"/> (signature nonces, DPoP <c>jti</c>s) and
    /// <see cref="IRevocationStore"/>, replacing any registered ones. Connects on first use; while Redis cannot answer
    /// within <see cref="RedisStoreOptions.OperationTimeout"/> requests fail closed (503 with <c>Retry-After</c>).
    /// Options are validated at startup.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="configure">Adjusts <see cref="RedisStoreOptions"/> (key prefix, timeout, per-key quota).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddAgentAuthRedis(
        this IServiceCollection services,
        string configuration,
        Action<RedisStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        AddCore(services, configure, usesExistingMultiplexer: false).Configure(o => o.Configuration = configuration);
        services.TryAddSingleton(static sp => new RedisConnection(
            sp.GetRequiredService<IOptions<RedisStoreOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisConnection>>()));
        return services;
    }

    /// <summary>
    /// Uses Redis, through the application's existing <paramref name="multiplexer"/>, as the AgentAuth
    /// <see cref="IReplayCache"/> and <see cref="IRevocationStore"/>, replacing any registered ones. The multiplexer stays
    /// the application's: it is not disposed with the stores.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="multiplexer">The connection to use, shared with the rest of the application.</param>
    /// <param name="configure">Adjusts <see cref="RedisStoreOptions"/> (key prefix, timeout, per-key quota).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddAgentAuthRedis(
        this IServiceCollection services,
        IConnectionMultiplexer multiplexer,
        Action<RedisStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(multiplexer);
        AddCore(services, configure, usesExistingMultiplexer: true);
        services.TryAddSingleton(sp => new RedisConnection(
            sp.GetRequiredService<IOptions<RedisStoreOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisConnection>>(),
            multiplexer));
        return services;
    }

    /// <summary>
    /// Uses Redis as the AgentAuth replay cache and revocation store; chains after <c>AddAuthentication().AddAgentAuth(…)</c>.
    /// See <see cref="AddAgentAuthRedis(IServiceCollection, string, Action{RedisStoreOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string.</param>
    /// <param name="configure">Adjusts <see cref="RedisStoreOptions"/>.</param>
    /// <returns>The authentication builder.</returns>
    public static AuthenticationBuilder AddAgentAuthRedis(
        this AuthenticationBuilder builder,
        string configuration,
        Action<RedisStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAgentAuthRedis(configuration, configure);
        return builder;
    }

    /// <summary>
    /// Uses Redis, through an existing multiplexer, as the AgentAuth replay cache and revocation store; chains after
    /// <c>AddAuthentication().AddAgentAuth(…)</c>. See <see cref="AddAgentAuthRedis(IServiceCollection, IConnectionMultiplexer, Action{RedisStoreOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="multiplexer">The connection to use, shared with the rest of the application.</param>
    /// <param name="configure">Adjusts <see cref="RedisStoreOptions"/>.</param>
    /// <returns>The authentication builder.</returns>
    public static AuthenticationBuilder AddAgentAuthRedis(
        this AuthenticationBuilder builder,
        IConnectionMultiplexer multiplexer,
        Action<RedisStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAgentAuthRedis(multiplexer, configure);
        return builder;
    }

    private static OptionsBuilder<RedisStoreOptions> AddCore(IServiceCollection services, Action<RedisStoreOptions>? configure, bool usesExistingMultiplexer)
    {
        services.AddReplayCacheInfrastructure();
        var options = services.AddOptions<RedisStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStoreOptions>>(
            new RedisStoreOptionsValidator { UsesExistingMultiplexer = usesExistingMultiplexer }));

        services.TryAddSingleton<RedisStoreMetrics>();
        services.TryAddSingleton<RedisReplayCache>();
        services.TryAddSingleton<RedisRevocationStore>();
        services.RemoveAll<IReplayCache>();
        services.AddSingleton<IReplayCache>(static sp => sp.GetRequiredService<RedisReplayCache>());
        services.RemoveAll<IRevocationStore>();
        services.AddSingleton<IRevocationStore>(static sp => sp.GetRequiredService<RedisRevocationStore>());
        return options;
    }
}
