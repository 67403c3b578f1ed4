namespace AgentAuth.AspNetCore;

/// <summary>What an RFC 9421 signature on an incoming request must look like.</summary>
public sealed class HttpSignaturePolicyOptions
{
    /// <summary>The signature label to verify. When unset, the signature tagged <see cref="Tag"/> is used, else the only signature in the request.</summary>
    public string? Label { get; set; }

    /// <summary>The <c>tag</c> parameter that selects the signature to verify, when <see cref="Label"/> is not set.</summary>
    public string? Tag { get; set; }

    /// <summary>
    /// Components every signature must cover <b>in addition to</b> <c>@method</c>, <c>@authority</c> and <c>@path</c>, which are
    /// always required (listed or not) so a signature can never be replayed with another method, host or path.
    /// <c>@target-uri</c> is accepted in place of <c>@authority</c> + <c>@path</c> (+ <c>@query</c>), and <c>@request-target</c>
    /// in place of <c>@path</c>, since they cover them.
    /// </summary>
    public IList<string> RequiredComponents { get; } = new List<string>();

    /// <summary>Require <c>@query</c> (or <c>@target-uri</c>) to be covered when the request target has a query. Default <see langword="true"/>.</summary>
    public bool RequireQueryCoverage { get; set; } = true;

    /// <summary>Require <c>content-digest</c> to be covered (and verified) when the request has a body. Default <see langword="true"/>.</summary>
    public bool RequireContentDigestForBody { get; set; } = true;

    /// <summary>
    /// When <see cref="RequireContentDigestForBody"/> applies and the request has a <c>Content-Type</c> field, require
    /// <c>content-type</c> to be covered too: the digest covers the bytes, not their media type, so a signed body could
    /// otherwise be replayed as another type (RFC 9530 §6.3, RFC 9421 §7.2.8). Default <see langword="true"/>.
    /// </summary>
    public bool RequireContentTypeForBody { get; set; } = true;

    /// <summary>The largest request body buffered to check <c>Content-Digest</c>, in bytes; larger bodies are refused with 413. Default 1 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Require the <c>created</c> parameter. Default <see langword="true"/>. When off, a signature may carry <c>expires</c>
    /// instead, at most <see cref="MaxAge"/> plus the clock skew ahead; one with neither is still refused (it would never
    /// expire, so no replay cache could remember its nonce long enough), and a signature that carries a token always needs
    /// <c>created</c>.
    /// </summary>
    public bool RequireCreated { get; set; } = true;

    /// <summary>
    /// How old <c>created</c> may be (the signature window, RFC 9421 §3.2.1 and §7.2.2). Default 60 seconds. At most
    /// <see cref="MaxAgeLimit"/> unless <see cref="AllowLongMaxAge"/> is set: without a nonce a signature can be replayed for this long.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest <see cref="MaxAge"/> accepted without <see cref="AllowLongMaxAge"/>: one hour.</summary>
    public static readonly TimeSpan MaxAgeLimit = TimeSpan.FromHours(1);

    /// <summary>
    /// Accept a <see cref="MaxAge"/> above <see cref="MaxAgeLimit"/> (for agents whose clocks or queues cannot do better).
    /// Default <see langword="false"/>: a longer window is refused at startup. Prefer <see cref="RequireNonce"/> with a long window.
    /// </summary>
    public bool AllowLongMaxAge { get; set; }

    /// <summary>
    /// Require a <c>nonce</c> parameter (single use, checked against the replay cache) on signatures without a token. A nonce that is
    /// present is always checked, and a signature that carries a key-bound token always needs one. Default <see langword="false"/>.
    /// </summary>
    public bool RequireNonce { get; set; }

    /// <summary>
    /// Accepted RFC 9421 algorithms. Default: <c>ed25519</c>, <c>ecdsa-p256-sha256</c>, <c>ecdsa-p384-sha384</c>,
    /// <c>rsa-pss-sha512</c>, <c>rsa-v1_5-sha256</c>. <c>hmac-sha256</c> is accepted only when listed here and the key is a configured secret.
    /// </summary>
    public IList<string> AllowedAlgorithms { get; } = new List<string>();

    /// <summary>Bounds on signature headers and the signature base, so a hostile request costs little. See docs/security.md.</summary>
    public HttpSignatureLimits Limits { get; } = new();
}
