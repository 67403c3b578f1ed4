namespace AgentAuth.AspNetCore;

/// <summary>
/// Endpoint metadata for an endpoint whose own authorization policy has no scope requirement but whose operations do
/// (for example an MCP endpoint, whose tools each require scopes): the scopes the AgentAuth scheme's 401 challenge names
/// as <c>scope="…"</c> (RFC 6750 §3; MCP's scope selection), so a client asks for them in its first token.
/// </summary>
public interface IScopeChallengeMetadata
{
    /// <summary>
    /// The scopes to name, in order. Each must be an RFC 6749 §3.3 scope token; anything else (empty, a space, <c>"</c>,
    /// <c>\</c>, non-ASCII) is left out of the challenge.
    /// </summary>
    /// <param name="services">The request's services.</param>
    /// <returns>The scopes.</returns>
    IReadOnlyList<string> GetChallengeScopes(IServiceProvider services);
}
