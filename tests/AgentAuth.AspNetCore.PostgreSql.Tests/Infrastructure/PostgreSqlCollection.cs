namespace AgentAuth.AspNetCore.PostgreSql.Tests.Infrastructure;

/// <summary>Every test class that talks to PostgreSQL joins this collection, so the server starts once per run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServerFixture>
{
    public const string Name = "PostgreSQL";
}
