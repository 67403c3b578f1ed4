using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The key of a quick-start <c>Agent-Auth</c> signature, whose <c>keyid</c> is <c>{agent identifier}#{kid}</c>: a key of
/// that agent's registered JWKS by <c>kid</c> when the agent is registered (the token's <c>cnf</c> must then name that key,
/// checked by <see cref="Confirmation"/>), else the token's <c>cnf.jwk</c> when its <c>kid</c> (if any) is the one named.
/// </summary>
internal sealed class LumoAuthKeyResolver : ISignatureKeyResolver
{
    private readonly LumoAuthProfile _profile;
    private readonly AgentAuthSignatureHeader _header;
    private readonly ConfirmationClaim? _confirmation;

    public LumoAuthKeyResolver(LumoAuthProfile profile, AgentAuthSignatureHeader header, ConfirmationClaim? confirmation)
    {
        _profile = profile;
        _header = header;
        _confirmation = confirmation;
    }

    /// <summary>
    /// The resolved key's identifier, never text nobody checked: <c>{agent}#{kid}</c> for a registered agent's key (both
    /// parts matched the configuration), the <c>cnf.jwk</c>'s own <c>kid</c> (or none) for the token's key.
    /// </summary>
    public string? ResolvedKeyId { get; private set; }

    public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken)
    {
        // The verifier reads the keyid from the Signature-Input rebuilt from the same header.
        if (!string.Equals(keyId, _header.KeyId, StringComparison.Ordinal))
        {
            return new(SignatureKeyResolution.Unknown("The keyid does not name a LumoAuth agent key."));
        }
        if (_profile.TryGetAgentKeys(_header.AgentId, out var agentKeys))
        {
            var lookup = agentKeys.FindAsync(_header.Kid, cancellationToken);
            return lookup.IsCompletedSuccessfully ? new(FromLookup(lookup.Result)) : FromPendingLookupAsync(lookup);
        }
        if (Confirmation.BoundKey(_confirmation) is { } boundKey)
        {
            if (boundKey.KeyId is { Length: > 0 } boundKid && !string.Equals(boundKid, _header.Kid, StringComparison.Ordinal))
            {
                return new(SignatureKeyResolution.Unknown("The keyid's kid is not the kid of the token's cnf.jwk."));
            }
            // The agent identifier of an unregistered agent is unverified text: the principal gets the cnf.jwk's kid only.
            ResolvedKeyId = boundKey.KeyId;
            return new(SignatureKeyResolution.Resolved(boundKey));
        }
        return new(SignatureKeyResolution.Unknown("The agent is not registered with this resource and the token has no cnf.jwk."));
    }

    private async ValueTask<SignatureKeyResolution> FromPendingLookupAsync(ValueTask<KeySetLookup<SignatureKey>> lookup) =>
        FromLookup(await lookup.ConfigureAwait(false));

    private SignatureKeyResolution FromLookup(KeySetLookup<SignatureKey> lookup)
    {
        switch (lookup.Status)
        {
            case KeyLookupStatus.Found:
                ResolvedKeyId = _header.KeyId;
                return SignatureKeyResolution.Resolved(lookup.Key!);
            case KeyLookupStatus.Unavailable:
                return SignatureKeyResolution.Unknown("The agent's key set is unavailable; the keyid could not be resolved.");
            default:
                return SignatureKeyResolution.Unknown("The agent has no key with this kid.");
        }
    }
}
