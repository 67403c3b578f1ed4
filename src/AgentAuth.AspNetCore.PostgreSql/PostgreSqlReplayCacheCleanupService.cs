using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.PostgreSql;

/// <summary>
/// Deletes expired replay-cache rows every <see cref="PostgreSqlReplayCacheOptions.CleanupInterval"/>. Rows are
/// only garbage: an expired row is already ignored (and reused) by the insert, so a failed run costs disk, not safety.
/// </summary>
internal sealed class PostgreSqlReplayCacheCleanupService : BackgroundService
{
    private readonly PostgreSqlReplayCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;

    public PostgreSqlReplayCacheCleanupService(
        PostgreSqlReplayCache cache,
        IOptions<PostgreSqlReplayCacheOptions> options,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _cache = cache;
        _timeProvider = timeProvider;
        _interval = options.Value.CleanupInterval;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await _cache.DeleteExpiredAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (ReplayCacheUnavailableException)
                {
                    // Already logged and counted by the cache; try again at the next tick.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }
}
