namespace AgentAuth.AspNetCore;

/// <summary>
/// RFC 9728 OAuth 2.0 Protected Resource Metadata served by <c>MapAgentAuthResourceMetadata()</c> at
/// <c>/.well-known/oauth-protected-resource</c>, and the <c>resource_metadata</c> parameter of AgentAuth challenges.
/// Validated at startup; each message names the option to set.
/// </summary>
public sealed class AgentAuthResourceMetadataOptions
{
    /// <summary>
    /// Required. The resource identifier (<c>resource</c>): the absolute https URI clients use for this API, for example
    /// <c>https://api.example.com/mcp</c>, with no query or fragment. It is published exactly as written; clients reject a
    /// document whose <c>resource</c> differs from the identifier they used.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>Issuer identifiers of the authorization servers (brokers) that issue tokens for this resource (<c>authorization_servers</c>).</summary>
    public IList<string> AuthorizationServers { get; } = new List<string>();

    /// <summary>The URL of this resource's own JWK Set, if it signs responses (<c>jwks_uri</c>).</summary>
    public string? JwksUri { get; set; }

    /// <summary>The scopes clients may request for this resource, for example <c>read:data:*</c> (<c>scopes_supported</c>).</summary>
    public IList<string> ScopesSupported { get; } = new List<string>();

    /// <summary>How bearer tokens may be sent (<c>bearer_methods_supported</c>): <c>header</c>, <c>body</c> or <c>query</c>. Default <c>header</c>.</summary>
    public IList<string> BearerMethodsSupported { get; } = new List<string> { "header" };

    /// <summary>JWS algorithms the resource signs responses with (<c>resource_signing_alg_values_supported</c>).</summary>
    public IList<string> ResourceSigningAlgValuesSupported { get; } = new List<string>();

    /// <summary>JWS algorithms accepted for DPoP proofs (<c>dpop_signing_alg_values_supported</c>), for example <c>ES256</c>, <c>EdDSA</c>.</summary>
    public IList<string> DPoPSigningAlgValuesSupported { get; } = new List<string>();

    /// <summary>Whether the resource accepts only DPoP-bound access tokens (<c>dpop_bound_access_tokens_required</c>); omitted when <see langword="null"/>.</summary>
    public bool? DPoPBoundAccessTokensRequired { get; set; }

    /// <summary>A human-readable name of the resource (<c>resource_name</c>).</summary>
    public string? ResourceName { get; set; }

    /// <summary>The URL of developer documentation for the resource (<c>resource_documentation</c>).</summary>
    public string? ResourceDocumentation { get; set; }

    /// <summary>The URL of the resource's data-use policy (<c>resource_policy_uri</c>).</summary>
    public string? ResourcePolicyUri { get; set; }

    /// <summary>The URL of the resource's terms of service (<c>resource_tos_uri</c>).</summary>
    public string? ResourceTosUri { get; set; }

    /// <summary>
    /// Whether <see cref="Resource"/>, <see cref="AuthorizationServers"/> and the other URLs must use https. Default
    /// <see langword="true"/>; set <see langword="false"/> only for local development.
    /// </summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>How long clients may cache the document (<c>Cache-Control: public, max-age</c>). Default one hour; zero sends <c>no-cache</c>.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether AgentAuth challenges (401 and the <c>insufficient_scope</c> 403) carry <c>resource_metadata</c>. Default <see langword="true"/>.</summary>
    public bool IncludeInChallenges { get; set; } = true;
}
