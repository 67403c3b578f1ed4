namespace AgentAuth.AspNetCore;

/// <summary>A remote place a key set comes from: a JWKS URL, or a discovery document that names one.</summary>
internal abstract class RemoteKeySource
{
    /// <summary>The configured URL, for logs.</summary>
    public abstract string Address { get; }

    /// <summary>Fetches the JWKS document; throws <see cref="KeySourceException"/> on failure.</summary>
    public abstract Task<byte[]> FetchKeySetAsync(CancellationToken cancellationToken);
}
