using Microsoft.AspNetCore.Authentication;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Options of the AgentAuth scheme. Bindable from configuration (<c>Authentication:Schemes:AgentAuth</c>) and
/// validated at startup; each validation message names the option to set.
/// </summary>
public class AgentAuthOptions : AuthenticationSchemeOptions
{
    /// <summary>Creates the options with the defaults documented on each property.</summary>
    public AgentAuthOptions()
    {
        Events = new AgentAuthEvents();
    }

    /// <summary>Trusted keys of agents that sign requests without a token (signature-only mode).</summary>
    public AgentKeyOptions AgentKeys { get; } = new();

    /// <summary>AAuth agents (the <c>Signature-Key</c> header) and this API as an AAuth resource; off until enabled.</summary>
    public AAuthOptions AAuth { get; } = new();

    /// <summary>The LumoAuth compatibility profile (the <c>Agent-Auth</c> header and the LumoAuth SDK's request shape); off until enabled.</summary>
    public LumoAuthProfileOptions LumoAuth { get; } = new();

    /// <summary>Web Bot Auth crawlers (<c>Signature-Agent</c> and signed key directories); off until enabled.</summary>
    public WebBotAuthOptions WebBotAuth { get; } = new();

    /// <summary>Trusted token issuers. A token from any other issuer is rejected.</summary>
    public IList<TokenIssuerOptions> Issuers { get; } = new List<TokenIssuerOptions>();

    /// <summary>
    /// This resource's identifiers, accepted as the token <c>aud</c> (an issuer entry may narrow them).
    /// Required when <see cref="Issuers"/> is not empty.
    /// </summary>
    public IList<string> Audiences { get; } = new List<string>();

    /// <summary>
    /// Accept requests that carry only a bearer token (no signature, no DPoP proof). Off by default; brokers that
    /// issue plain scoped JWTs need it on. A token with a <c>cnf</c> claim is never accepted as a bearer token.
    /// </summary>
    public bool AllowBearerTokens { get; set; }

    /// <summary>Accept signed requests without a token, identifying the agent by its key. Default <see langword="true"/>.</summary>
    public bool AllowSignatureOnly { get; set; } = true;

    /// <summary>
    /// The <c>Authorization</c> scheme names that carry a key-bound token alongside an HTTP signature. Default <c>Bearer</c>.
    /// Add a name of your own (for example <c>AgentToken</c>) to keep key-bound tokens apart from bearer tokens.
    /// </summary>
    public IList<string> BoundTokenSchemes { get; } = new List<string>();

    /// <summary>The RFC 9421 signature policy: label or tag, required coverage, time window, nonce, algorithms.</summary>
    public HttpSignaturePolicyOptions Signatures { get; } = new();

    /// <summary>DPoP-bound tokens (RFC 9449): <c>Authorization: DPoP</c> with a <c>DPoP</c> proof. Enabled by default when issuers are configured.</summary>
    public AgentAuthDPoPOptions DPoP { get; } = new();

    /// <summary>Clock skew allowed for signature <c>created</c>/<c>expires</c> and token lifetimes (DPoP proofs have their own, <see cref="AgentAuthDPoPOptions.ClockSkew"/>). Default 60 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The public origin (<c>https://api.example.com</c>) used for <c>@authority</c>, <c>@scheme</c>, <c>@target-uri</c> and the DPoP
    /// <c>htu</c> when the API runs behind a reverse proxy. When unset, the request's own scheme and host are used
    /// (as set by <c>ForwardedHeadersMiddleware</c> for a trusted proxy). <c>X-Forwarded-*</c> headers are never read directly.
    /// </summary>
    public string? PublicOrigin { get; set; }

    /// <summary>How remote JWKS and discovery documents are cached.</summary>
    public JwksCacheOptions Jwks { get; } = new();

    /// <summary>The handler used for backchannel (JWKS and discovery) requests; for tests and custom networking. When unset, <c>IHttpClientFactory</c> provides it.</summary>
    public HttpMessageHandler? BackchannelHttpHandler { get; set; }

    /// <summary>Cache validated tokens (keyed by the token's exact text, never past its <c>exp</c>, at most 5 minutes) so a token's signature is not verified on every request. Default <see langword="true"/>.</summary>
    public bool EnableTokenCache { get; set; } = true;

    /// <summary>The most tokens kept in the validated-token cache. Default 10 000.</summary>
    public int TokenCacheSizeLimit { get; set; } = 10_000;

    /// <summary>The longest token accepted (bearer, key-bound or DPoP-bound), in characters; longer tokens are <c>invalid_token</c> before any parsing. Default 16 384.</summary>
    public int MaxTokenLength { get; set; } = AgentTokenValidator.MaxTokenLength;

    /// <summary>
    /// The token claims granted scopes are read from, each a space-separated string or an array of strings (RFC 8693 §4.2
    /// <c>scope</c>; <c>scp</c> as Entra and Okta issue it). Default <c>scope</c> and <c>scp</c>; add <c>scopes</c> for
    /// issuers that use the plural. Every listed claim becomes one <see cref="AgentAuthClaimTypes.Scope"/> claim per scope;
    /// a token <c>scope</c> claim is dropped when <c>scope</c> is not listed, so it can never grant anything.
    /// </summary>
    public IList<string> ScopeClaims { get; } = new List<string> { AgentAuthClaimTypes.Scope, "scp" };

    /// <summary>The <c>realm</c> parameter of <c>WWW-Authenticate</c> challenges, when set.</summary>
    public string? Realm { get; set; }

    /// <summary>
    /// Include <c>error_description</c> in challenges (the error code is always sent). When <see langword="null"/> (the
    /// default), post-configuration turns it on in the <c>Development</c> environment only, so an unauthenticated client
    /// elsewhere cannot tell an untrusted issuer from an unknown key from a bad signature. Nullable so that configuration
    /// binding, which writes back every value-typed property it visits, cannot be mistaken for an explicit choice.
    /// </summary>
    public bool? IncludeErrorDetails { get; set; }

    /// <summary>What the scheme built from these options (set by post-configuration).</summary>
    /// <remarks>A field, not a property, so that configuration binding (source-generated, which also sees internal
    /// properties) never walks into the runtime state.</remarks>
    internal AgentAuthRuntime? Runtime;

    /// <summary>The events raised by the handler, for customization.</summary>
    public new AgentAuthEvents Events
    {
        get => (AgentAuthEvents)base.Events!;
        set => base.Events = value;
    }
}
