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
    // Created with the service, not in ExecuteAsync (which the host may start later on another thread), so the
    // first interval counts from construction on the injected clock.
    private readonly PeriodicTimer _timer;

    public PostgreSqlReplayCacheCleanupService(
        PostgreSqlReplayCache cache,
        IOptions<PostgreSqlReplayCacheOptions> options,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _cache = cache;
        _timer = new PeriodicTimer(options.Value.CleanupInterval, timeProvider);
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
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
