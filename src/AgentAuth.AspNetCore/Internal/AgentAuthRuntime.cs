using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Everything a scheme needs per request that depends only on its options, built once by
/// <see cref="AgentAuthPostConfigureOptions"/>: verifiers, key sources, the token validator, challenge templates.
/// </summary>
internal sealed class AgentAuthRuntime
{
    private readonly HttpMessageSignatureVerifier?[] _verifiers;
    private readonly Func<bool, bool, bool, HttpMessageSignatureVerifier> _createVerifier;

    // createVerifier builds the verifier for (hasBody, hasContentType, hasToken); it is called at most once per combination
    // (twice only when two first requests race, and then one result is kept).
    public AgentAuthRuntime(
        Func<bool, bool, bool, HttpMessageSignatureVerifier> createVerifier,
        SignatureSelection selection,
        KeySourceGroup<SignatureKey> agentKeys,
        AgentTokenValidator tokens,
        DPoPProofValidator? dpop,
        IReplayCache replayCache,
        AgentAuthMetrics metrics,
        ChallengeTemplates challenges,
        PublicOrigin? publicOrigin,
        string[] boundTokenSchemes,
        LumoAuthProfile? lumoAuth = null,
        Microsoft.Extensions.Logging.ILogger? lumoAuthLogger = null)
    {
        // Built on first use, not at startup: a scheme that only ever sees bearer or DPoP tokens never needs one, and a
        // signed-request scheme needs one or two of the eight. Every option the verifiers' own checks would refuse is
        // already refused at startup by AgentAuthOptionsValidator, so nothing fails later than before.
        _verifiers = new HttpMessageSignatureVerifier?[VerifierCount];
        _createVerifier = createVerifier;
        SignatureSelection = selection;
        AgentKeys = agentKeys;
        Tokens = tokens;
        ReplayCache = replayCache;
        Metrics = metrics;
        Challenges = challenges;
        PublicOrigin = publicOrigin;
        BoundTokenSchemes = boundTokenSchemes;
        SignedRequests = new SignedRequestAuthenticator(this);
        DPoPAuthenticator = dpop is null ? null : new DPoPAuthenticator(tokens, dpop, publicOrigin);
        Bearer = new BearerAuthenticator(tokens);
        LumoAuthProfile = lumoAuth;
        LumoAuth = lumoAuth is null ? null : new LumoAuthAuthenticator(this, lumoAuth, lumoAuthLogger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }

    /// <summary>The LumoAuth profile, or <see langword="null"/> when it is off (the default).</summary>
    public LumoAuthProfile? LumoAuthProfile { get; }

    /// <summary>LumoAuth quick-start (<c>Agent-Auth</c>) requests, or <see langword="null"/> when the profile is off.</summary>
    public LumoAuthAuthenticator? LumoAuth { get; }

    /// <summary>Signed requests, with or without a key-bound token.</summary>
    public SignedRequestAuthenticator SignedRequests { get; }

    /// <summary>DPoP-bound tokens, or <see langword="null"/> when DPoP is off.</summary>
    public DPoPAuthenticator? DPoPAuthenticator { get; }

    /// <summary>AAuth requests whose key travels in <c>Signature-Key</c>, or <see langword="null"/> when no scheme is enabled.</summary>
    public SignatureKeyAuthenticator? SignatureKeys { get; set; }

    /// <summary>Web Bot Auth requests, or <see langword="null"/> when <see cref="AgentAuthOptions.WebBotAuth"/> is off.</summary>
    public WebBotAuthenticator? WebBots { get; init; }

    /// <summary>Plain bearer tokens.</summary>
    public BearerAuthenticator Bearer { get; }

    public SignatureSelection SignatureSelection { get; }

    public KeySourceGroup<SignatureKey> AgentKeys { get; }

    public AgentTokenValidator Tokens { get; }

    public IReplayCache ReplayCache { get; }

    public AgentAuthMetrics Metrics { get; }

    public ChallengeTemplates Challenges { get; }

    /// <summary>The AAuth resource side (also reachable from <see cref="Challenges"/>), or <see langword="null"/> when off.</summary>
    public AAuthResource? AAuthResource => Challenges.AAuthResource;

    public PublicOrigin? PublicOrigin { get; }

    /// <summary><c>Authorization</c> schemes that carry a key-bound or bearer token (default <c>Bearer</c>).</summary>
    public string[] BoundTokenSchemes { get; }

    /// <summary>
    /// The verifier whose coverage policy fits the request: <c>content-digest</c> is required when the request has a body
    /// (and the policy says so), <c>content-type</c> as well when the body has a media type (and the policy says so),
    /// <c>authorization</c> when it carries a token. Eight verifiers, each built once on first use, so the per-request path
    /// never builds a component list.
    /// </summary>
    public HttpMessageSignatureVerifier VerifierFor(bool hasBody, bool hasContentType, bool hasToken)
    {
        var index = VerifierIndex(hasBody, hasContentType, hasToken);
        return Volatile.Read(ref _verifiers[index]) ?? CreateVerifier(index);
    }

    private HttpMessageSignatureVerifier CreateVerifier(int index)
    {
        var verifier = _createVerifier((index & 1) != 0, (index & 4) != 0, (index & 2) != 0);
        return Interlocked.CompareExchange(ref _verifiers[index], verifier, null) ?? verifier;
    }

    private static int VerifierIndex(bool hasBody, bool hasContentType, bool hasToken) => (hasBody ? 1 : 0) | (hasToken ? 2 : 0) | (hasContentType ? 4 : 0);

    private const int VerifierCount = 8;
}
