namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>
/// Options of the PostgreSQL replay cache, registered with
/// <c>services.AddPostgreSqlReplayCache(connectionString, options => …)</c>.
/// </summary>
/// <remarks>
/// <para>The table, created on first use unless <see cref="CreateSchemaIfNotExists"/> is <see langword="false"/>:</para>
/// <code>
/// CREATE TABLE "public"."agentauth_replay" (key bytea PRIMARY KEY, expires_at timestamptz NOT NULL);
/// CREATE INDEX "agentauth_replay_expires_at_idx" ON "public"."agentauth_replay" (expires_at);
/// </code>
/// <para><c>key</c> is the SHA-256 of the UTF-8 replay key. Expiry is judged with each instance's own clock (its
/// <see cref="TimeProvider"/>), never the database clock, so the instances' clocks must be synchronized (NTP).</para>
/// </remarks>
public sealed class PostgreSqlReplayCacheOptions
{
    /// <summary>The default <see cref="SchemaName"/>, <c>public</c>.</summary>
    public const string DefaultSchemaName = "public";

    /// <summary>The default <see cref="TableName"/>, <c>agentauth_replay</c>.</summary>
    public const string DefaultTableName = "agentauth_replay";

    /// <summary>
    /// The Npgsql connection string. Required. Keep <c>Timeout</c> (connect and pool wait, Npgsql default 15 s)
    /// short: while the database is unreachable every signed request waits that long before failing closed.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The schema holding the table: a plain identifier (letters, digits, <c>_</c>; at most 63 characters). Default <c>public</c>.</summary>
    public string SchemaName { get; set; } = DefaultSchemaName;

    /// <summary>The table name: a plain identifier (letters, digits, <c>_</c>; at most 48 characters so the index name fits). Default <c>agentauth_replay</c>.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// Whether the first replay check creates the schema, table and index when missing (idempotent and safe when
    /// several instances start together). Set <see langword="false"/> when the table is created by a migration
    /// and the application's database role may not run DDL. Default <see langword="true"/>.
    /// </summary>
    public bool CreateSchemaIfNotExists { get; set; } = true;

    /// <summary>
    /// How long one statement may run before it is abandoned and the request fails closed. Whole seconds, at least
    /// one. Default 5 seconds.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the background service deletes expired rows. Greater than zero. Default 5 minutes.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Rows deleted per statement by the cleanup service, which repeats until fewer remain; small batches keep
    /// locks short. Between 1 and 1 000 000. Default 1000.
    /// </summary>
    public int CleanupBatchSize { get; set; } = 1000;
}
