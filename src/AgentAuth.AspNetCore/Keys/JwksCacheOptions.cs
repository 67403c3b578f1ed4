namespace AgentAuth.AspNetCore;

/// <summary>
/// How remote key sets (JWKS URLs and discovery documents) are cached. The defaults are those of
/// Microsoft.IdentityModel's ConfigurationManager and JwtBearer.
/// </summary>
public sealed class JwksCacheOptions
{
    /// <summary>How often keys are refreshed in the background (plus up to 5 % jitter). Default 12 hours; minimum 5 minutes.</summary>
    public TimeSpan AutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The minimum time between refreshes forced by an unknown <c>kid</c>, and the retry delay after a failed fetch.
    /// The first forced refresh is immediate. Default 5 minutes; minimum 1 second.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Refresh the key set once (throttled by <see cref="RefreshInterval"/>) when a token or signature names an unknown key id. Default <see langword="true"/>.</summary>
    public bool RefreshOnUnknownKeyId { get; set; } = true;

    /// <summary>The largest JWKS or discovery response accepted, in bytes. Default 1 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest number of keys accepted from one key set. Default 100.</summary>
    public int MaxKeys { get; set; } = 100;

    /// <summary>Timeout for one backchannel request. Default 1 minute.</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
