using AgentAuth.AspNetCore;
using AgentAuth.AspNetCore.PostgreSql;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL replay cache, the shared store for APIs running on more than one instance.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
    Justification = "The overloads extend different types (IServiceCollection, AuthenticationBuilder), so a call is never ambiguous.")]
public static class PostgreSqlReplayCacheExtensions
{
    /// <summary>
    /// Uses a PostgreSQL table as the AgentAuth <see cref="IReplayCache"/>, replacing any registered replay cache, and
    /// starts a background service that deletes expired rows. Options are validated at startup.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">The Npgsql connection string. Keep its <c>Timeout</c> short (for example 5 seconds).</param>
    /// <param name="configure">Adjusts <see cref="PostgreSqlReplayCacheOptions"/> (table name, timeouts, cleanup).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddPostgreSqlReplayCache(
        this IServiceCollection services,
        string connectionString,
        Action<PostgreSqlReplayCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        services.AddReplayCacheInfrastructure();
        var options = services.AddOptions<PostgreSqlReplayCacheOptions>()
            .Configure(o => o.ConnectionString = connectionString);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlReplayCacheOptions>, PostgreSqlReplayCacheOptionsValidator>());

        services.TryAddSingleton<PostgreSqlReplayCache>();
        services.RemoveAll<IReplayCache>();
        services.AddSingleton<IReplayCache>(static sp => sp.GetRequiredService<PostgreSqlReplayCache>());
        services.AddHostedService<PostgreSqlReplayCacheCleanupService>();
        return services;
    }

    /// <summary>
    /// Uses a PostgreSQL table as the AgentAuth replay cache; chains after <c>AddAuthentication().AddAgentAuth(…)</c>.
    /// See <see cref="AddPostgreSqlReplayCache(IServiceCollection, string, Action{PostgreSqlReplayCacheOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Adjusts <see cref="PostgreSqlReplayCacheOptions"/>.</param>
    /// <returns>The authentication builder.</returns>
    public static AuthenticationBuilder AddPostgreSqlReplayCache(
        this AuthenticationBuilder builder,
        string connectionString,
        Action<PostgreSqlReplayCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPostgreSqlReplayCache(connectionString, configure);
        return builder;
    }

    /// <summary>
    /// Creates the replay-cache schema, table and index now (for example at startup, or from a deployment step)
    /// instead of on the first request. Idempotent and safe to run from several instances at once.
    /// </summary>
    /// <param name="services">The application's service provider, after <c>AddPostgreSqlReplayCache</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ReplayCacheUnavailableException">The database could not be reached or refused the DDL.</exception>
    public static Task EnsurePostgreSqlReplayCacheSchemaAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<PostgreSqlReplayCache>().EnsureSchemaAsync(cancellationToken);
    }
}
