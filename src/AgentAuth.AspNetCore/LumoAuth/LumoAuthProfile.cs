using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// What the LumoAuth profile runs on, built once from <see cref="AgentAuthOptions.LumoAuth"/>: the tenant issuer, the
/// registered agents' keys, the verifiers of the quick-start <c>Agent-Auth</c> shape and of the SDK shape (by body and
/// media type). The SDK verifiers are handed out only for a token of the tenant issuer, so no other request meets the
/// deviations they accept.
/// </summary>
internal sealed class LumoAuthProfile
{
    private readonly Dictionary<string, KeySourceGroup<SignatureKey>> _agents;
    private readonly HttpMessageSignatureVerifier[] _agentAuthVerifiers = new HttpMessageSignatureVerifier[4];
    private readonly HttpMessageSignatureVerifier[] _sdkVerifiers = new HttpMessageSignatureVerifier[4];

    // Each factory builds the verifier for (hasBody, hasContentType).
    public LumoAuthProfile(string issuer, Dictionary<string, KeySourceGroup<SignatureKey>> agents,
        Func<bool, bool, HttpMessageSignatureVerifier> createAgentAuthVerifier, Func<bool, bool, HttpMessageSignatureVerifier> createSdkVerifier)
    {
        Issuer = issuer;
        _agents = agents;
        for (var index = 0; index < 4; index++)
        {
            _agentAuthVerifiers[index] = createAgentAuthVerifier((index & 1) != 0, (index & 2) != 0);
            _sdkVerifiers[index] = createSdkVerifier((index & 1) != 0, (index & 2) != 0);
        }
    }

    /// <summary>The tenant issuer whose tokens unlock the profile.</summary>
    public string Issuer { get; }

    public bool TryGetAgentKeys(string agentId, out KeySourceGroup<SignatureKey> keys) => _agents.TryGetValue(agentId, out keys!);

    /// <summary>Whether a validated token comes from the tenant issuer.</summary>
    public bool IsTenantToken(TokenValidationOutcome? validation) =>
        validation?.Issuer is { } issuer && string.Equals(issuer.Issuer, Issuer, StringComparison.Ordinal);

    /// <summary>The quick-start verifier: covered lines only, <c>@method</c> and <c>@target-uri</c> (and the body lines) required, Ed25519 only.</summary>
    public HttpMessageSignatureVerifier AgentAuthVerifierFor(bool hasBody, bool hasContentType) => _agentAuthVerifiers[Index(hasBody, hasContentType)];

    /// <summary>
    /// The SDK-shape verifier (strict RFC 9421 but for a base64url <c>Signature</c> and an absent <c>signature-key</c> signed
    /// as empty) when the token is the tenant's; otherwise <see langword="null"/> and the scheme's strict verifier applies.
    /// </summary>
    public HttpMessageSignatureVerifier? SdkVerifierFor(TokenValidationOutcome? validation, bool hasBody, bool hasContentType) =>
        IsTenantToken(validation) ? _sdkVerifiers[Index(hasBody, hasContentType)] : null;

    private static int Index(bool hasBody, bool hasContentType) => (hasBody ? 1 : 0) | (hasContentType ? 2 : 0);
}
