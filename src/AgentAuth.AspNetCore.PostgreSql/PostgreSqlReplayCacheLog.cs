using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>Log messages of the PostgreSQL replay cache. Event ids 7020–7039; never log keys or connection strings.</summary>
internal static partial class PostgreSqlReplayCacheLog
{
    // Debug, not Error: the ReplayCacheUnavailableException this store throws carries the same cause, and its catcher
    // (the AgentAuth handler, event 4 ReplayCacheUnavailable) logs the outage once at Error; see docs/events.md.
    [LoggerMessage(EventId = 7020, EventName = "ReplayStoreUnavailable", Level = LogLevel.Debug,
        Message = "The PostgreSQL replay cache could not answer ({ErrorType}); the request fails closed.")]
    public static partial void StoreUnavailable(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(EventId = 7021, EventName = "ReplaySchemaEnsured", Level = LogLevel.Information,
        Message = "The PostgreSQL replay cache table {Table} is ready.")]
    public static partial void SchemaEnsured(ILogger logger, string table);

    // Debug for the same reason as 7020: the exception thrown carries the cause to whoever logs the outage.
    [LoggerMessage(EventId = 7022, EventName = "ReplaySchemaFailed", Level = LogLevel.Debug,
        Message = "Creating the PostgreSQL replay cache table {Table} failed ({ErrorType}).")]
    public static partial void SchemaFailed(ILogger logger, string table, string errorType, Exception exception);

    [LoggerMessage(EventId = 7023, EventName = "ReplayCleanupCompleted", Level = LogLevel.Debug,
        Message = "Deleted {Deleted} expired rows from the PostgreSQL replay cache.")]
    public static partial void CleanupCompleted(ILogger logger, long deleted);

    [LoggerMessage(EventId = 7024, EventName = "ReplayCleanupFailed", Level = LogLevel.Warning,
        Message = "Deleting expired rows from the PostgreSQL replay cache failed ({ErrorType}); retrying at the next interval.")]
    public static partial void CleanupFailed(ILogger logger, string errorType, Exception exception);
}
