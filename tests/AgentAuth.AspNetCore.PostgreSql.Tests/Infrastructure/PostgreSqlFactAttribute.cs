namespace AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;

/// <summary>A fact that needs a PostgreSQL server; skipped (outside CI) with the reason when none can be had.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (PostgreSqlTestEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
