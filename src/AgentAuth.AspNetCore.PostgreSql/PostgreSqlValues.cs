using Npgsql;

namespace AgentAuth.AspNetCore;

/// <summary>What the PostgreSQL stores (replay cache, revocation store) share about values and failures.</summary>
internal static class PostgreSqlValues
{
    /// <summary>
    /// <paramref name="value"/> rounded up to PostgreSQL's microsecond precision: an entry is never forgotten before the
    /// moment the caller asked for (rounding down could end a replay or revocation window a fraction early).
    /// </summary>
    public static DateTime CeilingToMicroseconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        var remainder = ticks % TimeSpan.TicksPerMicrosecond;
        if (remainder != 0 && ticks <= DateTime.MaxValue.Ticks - TimeSpan.TicksPerMicrosecond)
        {
            ticks += TimeSpan.TicksPerMicrosecond - remainder;
        }
        return new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary>Failures of the store (the stores turn them into their "unavailable" exceptions), as opposed to the caller cancelling or a bug.</summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        NpgsqlException => true,
        TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
