namespace AgentAuth.AspNetCore;

/// <summary>
/// Asking an issuer whether a token is active: an RFC 7662 introspection endpoint, or a broker's validation endpoint
/// (<see cref="TokenIntrospectionFormat.ValidationEndpoint"/>, with AgentWrit's <c>/v1/token/validate</c> built in as
/// <see cref="TokenIntrospectionFormat.AgentWrit"/>). Off until <see cref="OpaqueTokens"/> is set or <see cref="Jwts"/> asks
/// for a check. Answers are cached (keyed by the token's SHA-256) no longer than the token's <c>exp</c> and
/// <see cref="CacheDuration"/>; concurrent requests with the same new token make one call; an endpoint that is down, slow
/// or answers garbage fails closed (503 <c>temporarily_unavailable</c> with <c>Retry-After</c>).
/// </summary>
public sealed class TokenIntrospectionOptions
{
    /// <summary>
    /// The endpoint's absolute HTTPS URL. When unset, the <c>introspection_endpoint</c> of the issuer's discovery document
    /// (<see cref="TokenIssuerOptions.Authority"/> or <see cref="TokenIssuerOptions.MetadataAddress"/>, RFC 8414) is used.
    /// Never anything else: the scheme only calls what configuration names.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The request and response shape. Default <see cref="TokenIntrospectionFormat.Rfc7662"/>.</summary>
    public TokenIntrospectionFormat Format { get; set; } = TokenIntrospectionFormat.Rfc7662;

    /// <summary>
    /// Send tokens that are not JWTs (opaque tokens) to this issuer's endpoint. At most one issuer may claim opaque tokens,
    /// since an opaque token does not say who issued it.
    /// </summary>
    public bool OpaqueTokens { get; set; }

    /// <summary>
    /// Which of this issuer's JWTs are also checked at the endpoint after local validation (a revocation check with a round
    /// trip, cached like any answer). Default: <see cref="TokenIntrospectionJwtPolicy.Always"/> for
    /// <see cref="TokenIntrospectionFormat.AgentWrit"/>, <see cref="TokenIntrospectionJwtPolicy.Never"/> otherwise.
    /// </summary>
    public TokenIntrospectionJwtPolicy? Jwts { get; set; }

    /// <summary>How the scheme authenticates to the endpoint. Default <see cref="TokenIntrospectionClientAuthentication.None"/>.</summary>
    public TokenIntrospectionClientAuthentication ClientAuthentication { get; set; }

    /// <summary>The resource server's client id at the issuer (required for any client authentication).</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret, for <c>client_secret_basic</c> and <c>client_secret_post</c>. Keep it out of source control.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// For <c>private_key_jwt</c> (RFC 7523 §2.2): the PEM private key the client assertion is signed with: Ed25519 (PKCS#8,
    /// RFC 8410), EC P-256/P-384, or RSA (2048-4096 bits). The key decides the JWS algorithm (<c>Ed25519</c>, <c>ES256</c>,
    /// <c>ES384</c>, <c>RS256</c>) unless <see cref="ClientAssertionAlgorithm"/> says otherwise.
    /// </summary>
    public string? ClientAssertionPrivateKeyPem { get; set; }

    /// <summary>
    /// The client assertion's JWS <c>alg</c>, only when the authorization server needs another name for the key's algorithm:
    /// <c>EdDSA</c> for an Ed25519 key at a server that does not know RFC 9864's fully specified <c>Ed25519</c> (the default for
    /// Ed25519 keys), or <c>PS256</c> for an RSA key. It must fit the key; startup fails otherwise. Default: the key decides.
    /// </summary>
    public string? ClientAssertionAlgorithm { get; set; }

    /// <summary>The <c>kid</c> header of the client assertion, when the issuer needs one.</summary>
    public string? ClientAssertionKeyId { get; set; }

    /// <summary>The client assertion's <c>aud</c>. Default: the endpoint URL.</summary>
    public string? ClientAssertionAudience { get; set; }

    /// <summary>The longest an active answer is trusted without asking again (never past the token's <c>exp</c>). Default 60 seconds.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an inactive answer is remembered, so a rejected token does not cost a call per request. Default 5 seconds.</summary>
    public TimeSpan InactiveCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Share answers between instances through the registered <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>
    /// (Redis, SQL Server, or <c>HybridCache</c>'s distributed layer), keyed by the SHA-256 of the token, so N instances make
    /// one call per token instead of N. Entries hold the answer and the instant it stops being trusted (judged on this
    /// instance's clock). A cache that fails is skipped (the endpoint is asked), never trusted blindly. Default <see langword="false"/>.
    /// </summary>
    public bool UseDistributedCache { get; set; }

    /// <summary>The longest one call may take before the request fails closed with 503. Default 5 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest answer read, in bytes; a larger one is treated as garbage (503). Default 64 KiB.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>For <see cref="TokenIntrospectionFormat.ValidationEndpoint"/>: the JSON request member carrying the token. Default <c>token</c>.</summary>
    public string TokenMember { get; set; } = "token";

    /// <summary>For <see cref="TokenIntrospectionFormat.ValidationEndpoint"/>: the boolean response member saying the token is valid. Default <c>valid</c>.</summary>
    public string ActiveMember { get; set; } = "valid";

    /// <summary>For <see cref="TokenIntrospectionFormat.ValidationEndpoint"/>: the object member holding the token's claims; empty for top-level claims. Default <c>claims</c>.</summary>
    public string ClaimsMember { get; set; } = "claims";

    /// <summary>Whether any token goes to the endpoint.</summary>
    internal bool Enabled => OpaqueTokens || EffectiveJwts != TokenIntrospectionJwtPolicy.Never;

    internal TokenIntrospectionJwtPolicy EffectiveJwts =>
        Jwts ?? (Format == TokenIntrospectionFormat.AgentWrit ? TokenIntrospectionJwtPolicy.Always : TokenIntrospectionJwtPolicy.Never);
}

/// <summary>The shape of an introspection or validation endpoint.</summary>
public enum TokenIntrospectionFormat
{
    /// <summary>RFC 7662: <c>POST</c> form <c>token=…&amp;token_type_hint=access_token</c>, answered <c>{"active": true, …claims}</c>.</summary>
    Rfc7662,

    /// <summary>A broker validation endpoint: <c>POST</c> JSON <c>{"token": "…"}</c>, answered <c>{"valid": true, "claims": {…}}</c>; member names configurable.</summary>
    ValidationEndpoint,

    /// <summary>AgentWrit's <c>POST {broker}/v1/token/validate</c>: <see cref="ValidationEndpoint"/> with <c>token</c>, <c>valid</c>, <c>claims</c>.</summary>
    AgentWrit,
}

/// <summary>Which JWTs of an issuer are checked at its introspection endpoint after local validation.</summary>
public enum TokenIntrospectionJwtPolicy
{
    /// <summary>None: JWTs are validated locally only (revocation through <see cref="IRevocationStore"/> still applies).</summary>
    Never,

    /// <summary>Every JWT of the issuer.</summary>
    Always,

    /// <summary>JWTs that carry a <c>jti</c> (the ones an issuer can revoke individually).</summary>
    WhenJtiPresent,
}

/// <summary>How the scheme authenticates to an introspection endpoint (RFC 7662 §2.1, RFC 6749 §2.3, RFC 7523 §2.2).</summary>
public enum TokenIntrospectionClientAuthentication
{
    /// <summary>No client authentication (a broker validation endpoint that needs none).</summary>
    None,

    /// <summary>HTTP Basic with the form-urlencoded client id and secret (RFC 6749 §2.3.1).</summary>
    ClientSecretBasic,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body.</summary>
    ClientSecretPost,

    /// <summary>A JWT client assertion signed with <see cref="TokenIntrospectionOptions.ClientAssertionPrivateKeyPem"/> (RFC 7523).</summary>
    PrivateKeyJwt,
}
