namespace AgentAuth.AspNetCore;

/// <summary>
/// This API as an AAuth resource (draft-hardt-oauth-aauth-protocol): what its 401 challenges advertise
/// (<c>Accept-Signature-Scheme</c>, <c>Accept-Signature-Alg</c>, <c>AAuth-Requirement</c>), its signing key and the resource
/// tokens it mints with it, and the metadata served at <c>/.well-known/aauth-resource.json</c> by
/// <c>MapAAuthResourceMetadata()</c>. Off until <see cref="Enabled"/>; validated at startup, each message naming the option.
/// </summary>
public sealed class AAuthResourceOptions
{
    /// <summary>The default lifetime of a resource token, and the longest accepted (the draft: SHOULD NOT exceed 5 minutes).</summary>
    public static readonly TimeSpan MaxResourceTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Act as an AAuth resource. Default <see langword="false"/>: nothing below is used.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Required. The resource's identifier (<c>issuer</c> in its metadata, <c>iss</c> of its resource tokens): an AAuth server
    /// identifier, <c>https://</c> with a lowercase host and nothing else (no port, path, query, fragment or trailing slash).
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// What a 401 for a protected endpoint asks the agent to obtain (<c>AAuth-Requirement</c>): <c>agent-token</c>,
    /// <c>person-token</c> or <c>auth-token</c>; <see langword="null"/> (the default) sends no <c>AAuth-Requirement</c>.
    /// <c>auth-token</c> needs <see cref="SigningKey"/>: a request that already proved a person token gets a resource token;
    /// before that, the draft requires <c>person-token</c>, which is what such a 401 carries.
    /// </summary>
    public string? Requirement { get; set; }

    /// <summary>
    /// The key resource tokens are signed with, published with <see cref="PreviousKeys"/> at <see cref="JwksPath"/>. Optional:
    /// without it the resource mints no resource tokens and its metadata has no <c>jwks_uri</c>.
    /// </summary>
    public AAuthResourceKeyOptions SigningKey { get; } = new();

    /// <summary>
    /// Keys that signed resource tokens before a rotation; still published (never used to sign) so tokens minted with them
    /// verify until they expire. Keep a previous key listed for at least <see cref="ResourceTokenLifetime"/> after rotating.
    /// </summary>
    public IList<AAuthResourceKeyOptions> PreviousKeys { get; } = new List<AAuthResourceKeyOptions>();

    /// <summary>The access server's identifier, the <c>aud</c> of resource tokens (four-party). When unset, the <c>aud</c> is the person server that issued the verified person token (three-party).</summary>
    public string? AccessServer { get; set; }

    /// <summary>How long a resource token is valid. Default and maximum 5 minutes.</summary>
    public TimeSpan ResourceTokenLifetime { get; set; } = MaxResourceTokenLifetime;

    /// <summary>
    /// Send <c>Accept-Signature-Scheme</c> and <c>Accept-Signature-Alg</c> on 401 responses. Default <see langword="true"/>; the
    /// draft lets a server omit them where listing what it accepts to an unauthenticated caller is judged a disclosure risk.
    /// </summary>
    public bool AdvertiseSignatureSchemes { get; set; } = true;

    /// <summary>The path of the resource's JWKS (its metadata's <c>jwks_uri</c>, on <see cref="Issuer"/>). Default <c>/.well-known/jwks.json</c>, as in the draft's example.</summary>
    public string JwksPath { get; set; } = "/.well-known/jwks.json";

    /// <summary>The metadata's <c>access_mode</c>: <c>agent-token</c>, <c>person-token</c>, <c>session-token</c>, <c>auth-token</c> or a registered extension value; omitted when unset (the draft's default is <c>agent-token</c>).</summary>
    public string? AccessMode { get; set; }

    /// <summary>The metadata's <c>name</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The metadata's <c>description</c> (Markdown).</summary>
    public string? Description { get; set; }

    /// <summary>The metadata's <c>logo_uri</c> (https).</summary>
    public string? LogoUri { get; set; }

    /// <summary>The metadata's <c>logo_dark_uri</c> (https), a logo for dark backgrounds.</summary>
    public string? LogoDarkUri { get; set; }

    /// <summary>The metadata's <c>documentation_uri</c> (https).</summary>
    public string? DocumentationUri { get; set; }

    /// <summary>The metadata's <c>tos_uri</c> (https).</summary>
    public string? TosUri { get; set; }

    /// <summary>The metadata's <c>policy_uri</c> (https).</summary>
    public string? PolicyUri { get; set; }

    /// <summary>The metadata's <c>authorization_endpoint</c> (https, no query or fragment), when the application serves one.</summary>
    public string? AuthorizationEndpoint { get; set; }

    /// <summary>The metadata's <c>scope_descriptions</c>: scope value → Markdown shown at consent.</summary>
    public IDictionary<string, string> ScopeDescriptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long clients may cache the metadata and the JWKS (<c>Cache-Control: public, max-age</c>). Default one hour; zero sends <c>no-cache</c>.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromHours(1);
}
