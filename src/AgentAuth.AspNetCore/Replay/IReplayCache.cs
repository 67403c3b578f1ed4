namespace AgentAuth.AspNetCore;

/// <summary>
/// Remembers single-use values (HTTP-signature nonces, DPoP <c>jti</c>s) until they expire. Shared by every
/// replay check of the scheme. Register an implementation in DI to replace the in-memory default; use a
/// shared store (for example PostgreSQL) when the API runs on more than one instance.
/// </summary>
// RS0026: the two TryAddAsync overloads differ in a required parameter (partition), so a call is never ambiguous; the
// optional CancellationToken follows the .NET convention for async methods.
[System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
    Justification = "The overloads differ in the required partition parameter; the optional CancellationToken is the .NET convention.")]
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

    /// <summary>
    /// Like <see cref="TryAddAsync(string, DateTimeOffset, CancellationToken)"/>, for a value recorded on behalf of one
    /// agent key: a store with a bounded capacity caps each partition so one key cannot fill the store and deny the
    /// others. The default implementation ignores the partition (a store whose capacity one key cannot exhaust).
    /// </summary>
    /// <param name="key">The value to remember, already namespaced by the caller.</param>
    /// <param name="expiresAt">When the entry may be forgotten.</param>
    /// <param name="partition">The identity of the key the value is recorded for: the RFC 7638 thumbprint of the signing or DPoP proof key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the key was added (first use); <see langword="false"/> when it was already present (a replay).</returns>
    /// <exception cref="ReplayCacheUnavailableException">The store could not answer; callers must fail closed.</exception>
    /// <exception cref="ReplayQuotaExceededException">The partition holds its quota of unexpired values; the value was not recorded.</exception>
    ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, string partition, CancellationToken cancellationToken = default) =>
        TryAddAsync(key, expiresAt, cancellationToken);
}
