namespace AgentAuth.AspNetCore;

/// <summary>
/// Where the public keys of agents that sign requests (signature-only mode, <c>keyid</c> → key) come from.
/// Any combination may be set; a <c>keyid</c> is looked up in all of them.
/// </summary>
public sealed class AgentKeyOptions
{
    /// <summary>Inline JWKS JSON (<c>{"keys":[...]}</c>) of trusted agent keys. Each key needs a <c>kid</c>, which agents send as <c>keyid</c>.</summary>
    public string? JsonWebKeySet { get; set; }

    /// <summary>Path of a JWKS file of trusted agent keys, read at startup.</summary>
    public string? JwksFile { get; set; }

    /// <summary>URL of a JWKS of trusted agent keys (a key directory), cached and refreshed like an issuer's JWKS.</summary>
    public string? JwksUri { get; set; }

    /// <summary>Require HTTPS for <see cref="JwksUri"/>. Default <see langword="true"/>; turn off only for local development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// Also match a <c>keyid</c> against each key's RFC 7638 thumbprint, so agents identified by thumbprint
    /// (Web Bot Auth style) are found even when the JWKS has no <c>kid</c>. Default <see langword="true"/>.
    /// A thumbprint match comes before any <c>kid</c> match, and a key whose <c>kid</c> is another key's thumbprint is
    /// never loaded, so a thumbprint <c>keyid</c> only ever resolves to the key with that thumbprint.
    /// </summary>
    public bool MatchThumbprints { get; set; } = true;
}
