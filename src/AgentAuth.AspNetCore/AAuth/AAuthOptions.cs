namespace AgentAuth.AspNetCore;

/// <summary>
/// AAuth: requests whose key travels in the <c>Signature-Key</c> header (draft-hardt-httpbis-signature-key), and this
/// API acting as an AAuth resource. Everything is off until enabled here.
/// </summary>
public sealed class AAuthOptions
{
    /// <summary>Which origins' keys the <c>jwks_uri</c> and <c>jwks</c> schemes may fetch.</summary>
    public KeyDiscoveryOptions Discovery { get; } = new();

    /// <summary>This API as an AAuth resource: challenges, signing key, resource tokens and metadata; off until enabled.</summary>
    public AAuthResourceOptions Resource { get; } = new();
}
