namespace AgentAuth.AspNetCore;

/// <summary>
/// Claim types the AgentAuth scheme puts on the principal. Token claims keep their JWT names (no inbound
/// claim-type remapping); these constants name them and the claims the scheme adds itself.
/// </summary>
/// <remarks>
/// The claims the scheme asserts from what the request proved (<see cref="KeyThumbprint"/>, <see cref="KeyId"/>,
/// <see cref="SignatureLabel"/>, <see cref="AuthenticationMode"/>, <see cref="ActorChain"/>) come only from the scheme:
/// a token claim with one of those names is dropped, so <c>FindFirst</c> never returns what an issuer wrote instead.
/// </remarks>
public static class AgentAuthClaimTypes
{
    /// <summary>The subject: the token's <c>sub</c>, or the key id / thumbprint for signature-only requests.</summary>
    public const string Subject = "sub";

    /// <summary>The issuer of the token (<c>iss</c>).</summary>
    public const string Issuer = "iss";

    /// <summary>One claim per granted scope, normalized from the token claims named in <see cref="AgentAuthOptions.ScopeClaims"/> (default <c>scope</c> and <c>scp</c>), each a space-separated string or an array.</summary>
    public const string Scope = "scope";

    /// <summary>The RFC 7638 SHA-256 thumbprint of the key that proved possession (HTTP signature or DPoP proof key).</summary>
    public const string KeyThumbprint = "cnf_jkt";

    /// <summary>The <c>keyid</c> of the HTTP message signature, when one was verified.</summary>
    public const string KeyId = "keyid";

    /// <summary>The label of the verified HTTP message signature.</summary>
    public const string SignatureLabel = "sig_label";

    /// <summary>How the request authenticated; one of the <see cref="AgentAuthenticationModes"/> values.</summary>
    public const string AuthenticationMode = "auth_method";

    /// <summary>Broker task identifier (<c>task_id</c>), kept as issued.</summary>
    public const string TaskId = "task_id";

    /// <summary>Broker orchestration identifier (<c>orch_id</c>), kept as issued.</summary>
    public const string OrchestrationId = "orch_id";

    /// <summary>The token identifier (<c>jti</c>).</summary>
    public const string TokenId = "jti";

    /// <summary>The Web Bot Auth operator: the <c>Signature-Agent</c> origin whose signed key directory held the key.</summary>
    public const string SignatureAgent = "signature_agent";

    /// <summary>The informational, flattened RFC 8693 actor chain as JSON (for logging; decisions use <c>Identity.Actor</c>).</summary>
    public const string ActorChain = "act_chain";

    /// <summary>The <c>Signature-Key</c> scheme an AAuth request used (<c>hwk</c>, <c>jkt-jwt</c>, <c>jwks_uri</c>, <c>jwks</c>, <c>jwt</c>).</summary>
    public const string AAuthScheme = "aauth_scheme";

    /// <summary><c>true</c> when the agent is known only by its key (<c>hwk</c>, <c>jkt-jwt</c>): no identity, no scopes.</summary>
    public const string Pseudonymous = "pseudonymous";

    /// <summary>The AAuth agent identity: the origin of a <c>jwks_uri</c> key, the <c>url</c> of a <c>jwks</c> key, or the <c>sub</c> of an agent token (<c>aa-agent+jwt</c>).</summary>
    public const string AAuthAgent = "aauth_agent";

    /// <summary>
    /// Whether <paramref name="type"/> is a claim type only the scheme asserts; a token claim of that name is dropped.
    /// The one list of reserved types.
    /// </summary>
    internal static bool IsSchemeAsserted(string type) => type switch
    {
        KeyThumbprint or KeyId or SignatureLabel or AuthenticationMode or ActorChain or AAuthScheme or Pseudonymous or AAuthAgent or SignatureAgent => true,
        _ => false,
    };
}
