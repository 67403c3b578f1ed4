using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;

/// <summary>
/// One "application instance": its own service provider, its own <c>NpgsqlDataSource</c> (pool) and clock, sharing
/// only the database with other instances, as separate processes behind a load balancer would.
/// </summary>
internal sealed class ReplayCacheInstance : IAsyncDisposable
{
    private ReplayCacheInstance(ServiceProvider services, FakeTimeProvider time)
    {
        Services = services;
        Time = time;
        Cache = services.GetRequiredService<IReplayCache>();
        Store = Assert.IsType<PostgreSqlReplayCache>(Cache);
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public IReplayCache Cache { get; }

    public PostgreSqlReplayCache Store { get; }

    public static ReplayCacheInstance Create(
        string connectionString,
        string tableName,
        DateTimeOffset now,
        Action<PostgreSqlReplayCacheOptions>? configure = null)
    {
        var time = new FakeTimeProvider(now);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddPostgreSqlReplayCache(connectionString, options =>
        {
            options.TableName = tableName;
            configure?.Invoke(options);
        });
        return new ReplayCacheInstance(services.BuildServiceProvider(), time);
    }

    public IHostedService CleanupService => Assert.Single(Services.GetServices<IHostedService>());

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
