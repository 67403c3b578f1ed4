namespace AgentAuth.AspNetCore;

/// <summary>
/// Remembers revoked tokens until they would have expired anyway, so a token released at its broker or revoked by an
/// operator stops working before its <c>exp</c> without a round trip per request. The scheme asks it on every request
/// that carries a token, including validated-token cache hits. Register an implementation in DI to replace the
/// in-memory default (the scheme requires one: it does not start without a registration); use a shared store (PostgreSQL, Redis) when the API runs on more than one instance.
/// </summary>
public interface IRevocationStore
{
    /// <summary>Answers whether <paramref name="key"/> has been revoked and its revocation has not yet expired.</summary>
    /// <param name="key">The revoked token's identity, namespaced by the caller: <c>jti:{issuer}:{jti}</c> for a token with a
    /// <c>jti</c>, <c>tok:{sha256 of the token}</c> otherwise. An introspected token whose answer carries a <c>jti</c> is asked
    /// under both keys, its hash first.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the token is revoked.</returns>
    /// <exception cref="RevocationStoreUnavailableException">The store could not answer; callers must fail closed.</exception>
    ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="key"/> as revoked until <paramref name="expiresAt"/> (the token's own expiry: after it the
    /// token is refused anyway, so the entry may be forgotten). Revoking an already revoked key keeps the later expiry.</summary>
    /// <param name="key">The token's identity, as for <see cref="IsRevokedAsync"/>.</param>
    /// <param name="expiresAt">When the entry may be forgotten.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="RevocationStoreUnavailableException">The store could not record the revocation.</exception>
    ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}
