using AgentAuth.AspNetCore;
using AgentAuth.AspNetCore.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL revocation store, shared by every instance of the API.</summary>
public static class PostgreSqlRevocationStoreExtensions
{
    /// <summary>
    /// Uses a PostgreSQL table as the AgentAuth <see cref="IRevocationStore"/>, replacing any registered store (the
    /// in-memory default included). Options are validated at startup; the table is created on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">The Npgsql connection string. Keep its <c>Timeout</c> short (for example 5 seconds).</param>
    /// <param name="configure">Adjusts <see cref="PostgreSqlRevocationStoreOptions"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddPostgreSqlRevocationStore(
        this IServiceCollection services, string connectionString, Action<PostgreSqlRevocationStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        var options = services.AddOptions<PostgreSqlRevocationStoreOptions>().Configure(o => o.ConnectionString = connectionString);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlRevocationStoreOptions>, PostgreSqlRevocationStoreOptionsValidator>());
        services.TryAddSingleton<PostgreSqlRevocationStore>();
        services.RemoveAll<IRevocationStore>();
        services.AddSingleton<IRevocationStore>(static sp => sp.GetRequiredService<PostgreSqlRevocationStore>());
        return services;
    }
}
