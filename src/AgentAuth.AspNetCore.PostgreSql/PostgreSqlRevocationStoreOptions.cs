namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>
/// Options of the PostgreSQL revocation store, registered with <c>services.AddPostgreSqlRevocationStore(connectionString, options => …)</c>.
/// </summary>
/// <remarks>
/// <para>The table, created on first use unless <see cref="CreateSchemaIfNotExists"/> is <see langword="false"/>:</para>
/// <code>
/// CREATE TABLE "public"."agentauth_revocation" (key bytea PRIMARY KEY, expires_at timestamptz NOT NULL);
/// CREATE INDEX "agentauth_revocation_expires_at_idx" ON "public"."agentauth_revocation" (expires_at);
/// </code>
/// <para><c>key</c> is the SHA-256 of the UTF-8 revocation key (<c>jti:{iss}:{jti}</c> or <c>tok:{sha256}</c>). Expiry is
/// judged with each instance's own clock, never the database clock. Every request that carries a token costs one
/// indexed lookup (one round trip); expired rows are deleted in small batches whenever a revocation is recorded.</para>
/// </remarks>
public sealed class PostgreSqlRevocationStoreOptions
{
    /// <summary>The default <see cref="TableName"/>, <c>agentauth_revocation</c>.</summary>
    public const string DefaultTableName = "agentauth_revocation";

    /// <summary>The Npgsql connection string. Required; keep its <c>Timeout</c> short, since requests wait for it while the database is down.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The schema holding the table: a plain identifier (letters, digits, <c>_</c>; at most 63 characters). Default <c>public</c>.</summary>
    public string SchemaName { get; set; } = PostgreSqlReplayCacheOptions.DefaultSchemaName;

    /// <summary>The table name: a plain identifier (letters, digits, <c>_</c>; at most 48 characters). Default <c>agentauth_revocation</c>.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>Whether the first use creates the schema, table and index when missing. Default <see langword="true"/>.</summary>
    public bool CreateSchemaIfNotExists { get; set; } = true;

    /// <summary>How long one statement may run before the request fails closed (503). Whole seconds, at least one. Default 5 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
