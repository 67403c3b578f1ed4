namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>
/// The statements of the PostgreSQL replay cache, built once from the validated schema and table names (plain
/// identifiers, so quoting them is exact and nothing else from configuration reaches the SQL text).
/// </summary>
internal sealed class PostgreSqlReplayCacheSql
{
    // Advisory-lock class id ("AARC") that, with hashtext(table), serializes DDL from instances starting together.
    private const int SchemaLockClassId = 0x41415243;

    public PostgreSqlReplayCacheSql(string schemaName, string tableName)
    {
        QuotedSchema = Quote(schemaName);
        QualifiedTable = QuotedSchema + "." + Quote(tableName);

        // One statement decides: insert a new key, or take over the row only if it has expired by the caller's
        // clock ($3). A live row is left untouched and RETURNING yields nothing. Concurrent inserts of one key are
        // serialized by the primary key, so exactly one caller gets a row back.
        TryAdd =
            $"INSERT INTO {QualifiedTable} AS t (key, expires_at) VALUES ($1, $2) " +
            "ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE t.expires_at <= $3 " +
            "RETURNING true";

        // Deletes one batch. SKIP LOCKED leaves rows a concurrent TryAdd is taking over to that TryAdd; the outer
        // predicate repeats the expiry test so a row renewed meanwhile is never deleted.
        DeleteExpiredBatch =
            $"DELETE FROM {QualifiedTable} WHERE key IN (" +
            $"SELECT key FROM {QualifiedTable} WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED) " +
            "AND expires_at <= $1";

        LockSchema = $"SELECT pg_advisory_xact_lock({SchemaLockClassId}, hashtext($1))";
        CreateSchema = $"CREATE SCHEMA IF NOT EXISTS {QuotedSchema}";
        CreateTable = $"CREATE TABLE IF NOT EXISTS {QualifiedTable} (key bytea PRIMARY KEY, expires_at timestamptz NOT NULL)";
        CreateIndex = $"CREATE INDEX IF NOT EXISTS {Quote(tableName + "_expires_at_idx")} ON {QualifiedTable} (expires_at)";
    }

    /// <summary>The schema name, double-quoted.</summary>
    public string QuotedSchema { get; }

    /// <summary>The schema-qualified, double-quoted table name.</summary>
    public string QualifiedTable { get; }

    /// <summary>Insert-if-absent-or-expired. $1 key digest, $2 expiry, $3 now. Returns <c>true</c> on first use, no row on a replay.</summary>
    public string TryAdd { get; }

    /// <summary>Deletes up to $2 rows expired at $1.</summary>
    public string DeleteExpiredBatch { get; }

    /// <summary>Whether the schema ($1, quoted) and table ($2, qualified) exist; avoids DDL (and its privileges) when they do.</summary>
    public static string Exists => "SELECT to_regnamespace($1) IS NOT NULL, to_regclass($2) IS NOT NULL";

    /// <summary>Transaction-scoped advisory lock on $1 (the qualified table name).</summary>
    public string LockSchema { get; }

    public string CreateSchema { get; }

    public string CreateTable { get; }

    public string CreateIndex { get; }

    private static string Quote(string identifier) => "\"" + identifier + "\"";
}
