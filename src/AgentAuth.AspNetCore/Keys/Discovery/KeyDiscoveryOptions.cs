namespace AgentAuth.AspNetCore;

/// <summary>
/// Where keys named by a request may be fetched from: agent origins (AAuth <c>jwks_uri</c> / <c>jwks</c>) and Web Bot
/// Auth key directories (<c>Signature-Agent</c>). A request can make the server fetch only from an origin allowed here,
/// over HTTPS, without following redirects, within <see cref="AgentAuthOptions.Jwks"/>'s size and time limits, and
/// never to a loopback, private or link-local address unless <see cref="AllowPrivateNetworks"/> is set. Fetched key
/// sets are cached per URL with the same rotation, single-flight and last-known-good rules as configured JWKS.
/// </summary>
public sealed class KeyDiscoveryOptions
{
    /// <summary>
    /// HTTPS origins (<c>https://host</c> or <c>https://host:port</c>, no path) whose keys may be fetched.
    /// A leading <c>*.</c> in the host (<c>https://*.agents.example</c>) allows every subdomain of that domain, not the domain itself.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>Allow any HTTPS origin (an open resource that accepts every agent with a discoverable identity). Default <see langword="false"/>.</summary>
    public bool AllowAnyHttpsOrigin { get; set; }

    /// <summary>
    /// Allow fetches to loopback, private (RFC 1918, RFC 4193), link-local and other non-public addresses. Default
    /// <see langword="false"/>: a request must not be able to point the server at its own network (SSRF).
    /// Turn on for local development and tests only.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How many discovered key sets are cached at once; the least recently used is dropped beyond it. Default 1000.</summary>
    public int MaxCachedKeySets { get; set; } = 1000;
}
