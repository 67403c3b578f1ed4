namespace AgentAuth.AspNetCore;

/// <summary>
/// Runs a store's schema creation once per instance: concurrent first users wait for the one creation in flight, and after
/// it succeeds nobody waits again. A failed creation is retried by the next caller. Shared by the PostgreSQL stores.
/// </summary>
internal sealed class SchemaGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    /// <summary>Whether the schema is known to exist.</summary>
    public bool IsReady => _ready;

    /// <summary>Runs <paramref name="create"/> unless the schema is ready; <see langword="true"/> for the call that created it.</summary>
    public async Task<bool> EnsureAsync(Func<CancellationToken, Task> create, CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return false;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return false;
            }
            await create(cancellationToken).ConfigureAwait(false);
            _ready = true;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
