namespace AgentAuth.AspNetCore;

/// <summary>
/// Remembers single-use values (HTTP-signature nonces, DPoP <c>jti</c>s) until they expire. Shared by every
/// replay check of the scheme. Register an implementation in DI to replace the in-memory default; use a
/// shared store (for example PostgreSQL) when the API runs on more than one instance.
/// </summary>
public interface IReplayCache
{
    /// <summary>
    /// Atomically records <paramref name="key"/> unless it is already recorded and unexpired.
    /// A get-then-set is not enough: two concurrent calls with the same key must not both return <see langword="true"/>.
    /// </summary>
    /// <param name="key">The value to remember, already namespaced by the caller (for example <c>sig:{keyThumbprint}:{nonce}</c>).</param>
    /// <param name="expiresAt">When the entry may be forgotten: the end of the acceptance window plus the allowed clock skew.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the key was added (first use); <see langword="false"/> when it was already present (a replay).</returns>
    /// <exception cref="ReplayCacheUnavailableException">The store could not answer; callers must fail closed.</exception>
    ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}
