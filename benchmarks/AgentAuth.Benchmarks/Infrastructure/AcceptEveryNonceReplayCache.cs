using AgentAuth.AspNetCore;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// A replay store that accepts every value, so the token scenarios (signed-token, signed-token-no-cache) can authenticate one signed request again and
/// again: a signature that carries a token must have a nonce, and a real store would refuse its second use. The handler
/// still makes the call; only the store's own cost (a dictionary insert, or a PostgreSQL round trip) is left out.
/// </summary>
internal sealed class AcceptEveryNonceReplayCache : IReplayCache
{
    public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => new(true);
}
