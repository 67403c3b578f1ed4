using AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.PostgreSql.Tests;

/// <summary>Registration and option validation; no server needed (nothing here opens a connection).</summary>
public sealed class PostgreSqlReplayCacheRegistrationTests
{
    private const string ConnectionString = "Host=127.0.0.1;Port=5432;Username=postgres;Database=agentauth";

    [Fact]
    public void It_replaces_a_replay_cache_registered_before_and_wins_over_the_default_added_after()
    {
        var services = new ServiceCollection();
        services.TryAddAgentAuthReplayCache();
        services.AddPostgreSqlReplayCache(ConnectionString);
        services.TryAddAgentAuthReplayCache();

        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IReplayCache>();
        Assert.IsType<PostgreSqlReplayCache>(cache);
        Assert.Same(cache, provider.GetRequiredService<IReplayCache>());
        Assert.Single(services, d => d.ServiceType == typeof(IReplayCache));
    }

    [Fact]
    public void Registering_twice_keeps_one_cache_and_one_cleanup_service_and_the_last_options()
    {
        var services = new ServiceCollection();
        services.AddPostgreSqlReplayCache(ConnectionString, o => o.TableName = "first");
        services.AddPostgreSqlReplayCache(ConnectionString, o => o.TableName = "second");

        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IReplayCache>());
        Assert.IsType<PostgreSqlReplayCacheCleanupService>(Assert.Single(provider.GetServices<IHostedService>()));
        var store = provider.GetRequiredService<PostgreSqlReplayCache>();
        Assert.Equal("\"public\".\"second\"", store.QualifiedTable);
    }

    [Fact]
    public void The_authentication_builder_overload_chains_and_registers_the_cache()
    {
        var services = new ServiceCollection();
        var builder = services.AddAuthentication();

        var returned = builder.AddPostgreSqlReplayCache(ConnectionString, o => o.SchemaName = "auth");

        Assert.Same(builder, returned);
        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<PostgreSqlReplayCache>(provider.GetRequiredService<IReplayCache>());
        Assert.Equal("\"auth\".\"agentauth_replay\"", store.QualifiedTable);
    }

    [Fact]
    public void Defaults_are_documented_values()
    {
        var options = new PostgreSqlReplayCacheOptions();
        Assert.Equal("public", options.SchemaName);
        Assert.Equal("agentauth_replay", options.TableName);
        Assert.True(options.CreateSchemaIfNotExists);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.CleanupInterval);
        Assert.Equal(1000, options.CleanupBatchSize);
        Assert.True(new PostgreSqlReplayCacheOptionsValidator().Validate(null, new PostgreSqlReplayCacheOptions { ConnectionString = ConnectionString }).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_connection_string_is_rejected_at_registration(string connectionString)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddPostgreSqlReplayCache(connectionString));
    }

    public static TheoryData<string, Action<PostgreSqlReplayCacheOptions>> InvalidOptions => new()
    {
        { "PostgreSqlReplayCacheOptions.ConnectionString", o => o.ConnectionString = null },
        { "PostgreSqlReplayCacheOptions.ConnectionString", o => o.ConnectionString = "Hots=127.0.0.1" },
        { "PostgreSqlReplayCacheOptions.TableName", o => o.TableName = "" },
        { "PostgreSqlReplayCacheOptions.TableName", o => o.TableName = "replay-cache" },
        { "PostgreSqlReplayCacheOptions.TableName", o => o.TableName = "1replay" },
        { "PostgreSqlReplayCacheOptions.TableName", o => o.TableName = "x\"; DROP TABLE users; --" },
        { "PostgreSqlReplayCacheOptions.TableName", o => o.TableName = new string('t', 49) },
        { "PostgreSqlReplayCacheOptions.TableName", o => o.TableName = "r\u00e9play" },
        { "PostgreSqlReplayCacheOptions.SchemaName", o => o.SchemaName = "my schema" },
        { "PostgreSqlReplayCacheOptions.SchemaName", o => o.SchemaName = new string('s', 64) },
        { "PostgreSqlReplayCacheOptions.CommandTimeout", o => o.CommandTimeout = TimeSpan.Zero },
        { "PostgreSqlReplayCacheOptions.CommandTimeout", o => o.CommandTimeout = TimeSpan.FromMilliseconds(500) },
        { "PostgreSqlReplayCacheOptions.CleanupInterval", o => o.CleanupInterval = TimeSpan.Zero },
        { "PostgreSqlReplayCacheOptions.CleanupInterval", o => o.CleanupInterval = Timeout.InfiniteTimeSpan },
        { "PostgreSqlReplayCacheOptions.CleanupBatchSize", o => o.CleanupBatchSize = 0 },
        { "PostgreSqlReplayCacheOptions.CleanupBatchSize", o => o.CleanupBatchSize = 1_000_001 },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_fail_with_the_option_name(string option, Action<PostgreSqlReplayCacheOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddPostgreSqlReplayCache(ConnectionString, configure);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IReplayCache>());
        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_from_starting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPostgreSqlReplayCache(ConnectionString, o => o.TableName = "not a table");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("PostgreSqlReplayCacheOptions.TableName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Statements_quote_the_validated_identifiers()
    {
        var sql = new PostgreSqlReplayCacheSql("Auth", "Replay_1");
        Assert.Equal("\"Auth\".\"Replay_1\"", sql.QualifiedTable);
        Assert.StartsWith("INSERT INTO \"Auth\".\"Replay_1\" AS t (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE", sql.TryAdd, StringComparison.Ordinal);
        Assert.Contains("WHERE t.expires_at <= $3 RETURNING true", sql.TryAdd, StringComparison.Ordinal);
        Assert.Equal("CREATE INDEX IF NOT EXISTS \"Replay_1_expires_at_idx\" ON \"Auth\".\"Replay_1\" (expires_at)", sql.CreateIndex);
    }

    [Fact]
    public void PostgreSql_tests_are_never_skipped()
    {
        // A missing server fails the tests (the fixture throws MissingReason); no test carries a Skip.
        var skippable = typeof(PostgreSqlReplayCacheRegistrationTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttributes(typeof(FactAttribute), inherit: true).Cast<FactAttribute>().Any(a => a.Skip is not null))
            .Select(m => m.DeclaringType!.Name + "." + m.Name);
        Assert.Empty(skippable);
        Assert.Equal(
            PostgreSqlTestEnvironment.ExternalConnectionString is null && PostgreSqlTestEnvironment.BinDirectory is null,
            PostgreSqlTestEnvironment.MissingReason is not null);
    }
}
