using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;

namespace AgentAuth.Client;

/// <summary>
/// How <see cref="AgentAuthSigningHandler"/> signs outgoing requests. Bindable from configuration
/// (<c>AddAgentAuthSigning(configuration.GetSection("AgentAuth:Client"))</c>); exactly one key source must be set:
/// <see cref="Key"/>, <see cref="Jwk"/>, <see cref="PrivateKeyPem"/> or <see cref="Ed25519PrivateKey"/>.
/// </summary>
public sealed class AgentAuthSigningOptions
{
    /// <summary>The default signature label, <c>sig1</c>.</summary>
    public const string DefaultLabel = "sig1";

    /// <summary>
    /// The <c>keyid</c> sent with every signature. When unset, the key's own id (a JWK <c>kid</c>) is used, else its
    /// RFC 7638 thumbprint, which AgentAuth servers match by default.
    /// </summary>
    public string? KeyId { get; set; }

    /// <summary>A signing key built in code. Takes the place of the text key sources; the caller keeps ownership.</summary>
    public SignatureKey? Key { get; set; }

    /// <summary>The private key as a JWK (JSON text with the private members: <c>d</c>, and for RSA the primes).</summary>
    public string? Jwk { get; set; }

    /// <summary>The private key as PEM (PKCS#8 <c>PRIVATE KEY</c>, <c>EC PRIVATE KEY</c> or <c>RSA PRIVATE KEY</c>).</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>An Ed25519 private key as base64: the 32-byte seed, or the 64-byte seed followed by the public key.</summary>
    public string? Ed25519PrivateKey { get; set; }

    /// <summary>
    /// The algorithm, needed only for RSA keys without a JWK <c>alg</c>: <c>rsa-pss-sha512</c> or <c>rsa-v1_5-sha256</c>
    /// (or a JWS name such as <c>PS256</c>). For other keys the key type decides and a value here is only checked.
    /// </summary>
    public string? Algorithm { get; set; }

    /// <summary>The signature label. Default <c>sig1</c>.</summary>
    public string Label { get; set; } = DefaultLabel;

    /// <summary>The <c>tag</c> signature parameter, for servers that select signatures by tag. Default none.</summary>
    public string? Tag { get; set; }

    /// <summary>
    /// The components to cover, in order (for example <c>@method</c>, <c>@target-uri</c>, <c>content-type</c>). When empty:
    /// <c>@method</c>, <c>@target-uri</c>, <c>authorization</c> when the request has one, <c>content-digest</c> and <c>content-type</c>
    /// when it has a body. A field named here is covered only when the request carries it; derived components are always covered;
    /// <c>authorization</c>, <c>content-digest</c> and (with a body) <c>content-type</c> are added whenever the request carries them, listed or not.
    /// </summary>
    public IList<string> CoveredComponents { get; } = new List<string>();

    /// <summary>How long a signature is valid: <c>expires</c> is <c>created</c> plus this. Default 60 seconds; zero leaves <c>expires</c> out.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Send a random single-use <c>nonce</c> with every signature, so a server can refuse replays. Default <see langword="true"/>.</summary>
    public bool IncludeNonce { get; set; } = true;

    /// <summary>The digest algorithm of the <c>Content-Digest</c> field added to requests with a body. Default SHA-256.</summary>
    public DigestAlgorithm ContentDigestAlgorithm { get; set; } = DigestAlgorithm.Sha256;

    /// <summary>A fixed access token sent in <c>Authorization</c> (bound to the signing key by its <c>cnf</c> claim). Default none.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Supplies the access token per request (for example from a token cache); used when <see cref="AccessToken"/> is not set. Returning <see langword="null"/> sends no token.</summary>
    public Func<HttpRequestMessage, CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>The <c>Authorization</c> scheme of a key-bound token sent with a signature. Default <c>Bearer</c>.</summary>
    public string TokenScheme { get; set; } = "Bearer";

    /// <summary>
    /// Send the token as a DPoP-bound token (RFC 9449): <c>Authorization: DPoP &lt;token&gt;</c> with a fresh <c>DPoP</c> proof
    /// signed by the key, instead of an HTTP message signature. Needs a token. A <c>401 use_dpop_nonce</c> answer is retried
    /// once with the server's nonce; nonces are kept per origin and sent back only to the origin that issued them.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool UseDPoP { get; set; }

    /// <summary>The JWS algorithm of DPoP proofs. When unset: the key's JWS algorithm, else <c>EdDSA</c>, <c>ES256</c>, <c>ES384</c>, <c>PS256</c> or <c>RS256</c> by key type.</summary>
    public string? DPoPAlgorithm { get; set; }

    /// <summary>
    /// The origins (<c>https://api.example.com</c>, <c>https://api.example.com:8443</c>) this handler sends credentials to:
    /// the token, the signature and the DPoP proof. A request to any other origin goes out without them. When empty,
    /// <c>AddAgentAuthSigning</c> allows the origin of the client's <c>BaseAddress</c>; a handler with neither (built directly,
    /// or a client without a <c>BaseAddress</c>) allows only the origin of the first request it sends. Redirects get
    /// credentials only while they stay on the origin of the original request.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>
    /// How many redirects (300, 301, 302, 303, 307, 308) the handler follows per request, re-signing each hop on the same
    /// origin; the transport's own redirect following is turned off. After this many the redirect response is returned.
    /// Zero returns every redirect response to the caller. Default 10, at most 50.
    /// </summary>
    public int MaxRedirects { get; set; } = 10;

    /// <summary>The clock for <c>created</c>, <c>expires</c> and DPoP <c>iat</c>. When unset, the registered <see cref="System.TimeProvider"/> or the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
