using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Finds the key of a request signature: the token's <c>cnf.jwk</c> when the token carries one, else the configured agent
/// keys by <c>keyid</c> (and, for a <c>cnf.jkt</c> token, the caller then asks <see cref="Confirmation.IsSatisfiedBy"/>).
/// </summary>
internal sealed class SignatureKeyResolver : ISignatureKeyResolver
{
    private readonly KeySourceGroup<SignatureKey> _agentKeys;
    private readonly ConfirmationClaim? _confirmation;

    public SignatureKeyResolver(KeySourceGroup<SignatureKey> agentKeys, ConfirmationClaim? confirmation)
    {
        _agentKeys = agentKeys;
        _confirmation = confirmation;
    }

    /// <summary>
    /// The identifier of the resolved key: the thumbprint or <c>kid</c> it is known by in its key set, or the <c>kid</c> of a
    /// token's <c>cnf.jwk</c>. The principal's <c>keyid</c> (and, without a token, <c>sub</c>) is this, never the header's text.
    /// </summary>
    public string? ResolvedKeyId { get; private set; }

    // Not an async method: a key from a loaded key set resolves without an async state machine.
    public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken)
    {
        if (Confirmation.BoundKey(_confirmation) is { } boundKey)
        {
            ResolvedKeyId = boundKey.KeyId;
            return new(SignatureKeyResolution.Resolved(boundKey));
        }
        if (string.IsNullOrEmpty(keyId))
        {
            return new(SignatureKeyResolution.Unknown("The signature has no keyid."));
        }

        var lookup = _agentKeys.FindAsync(keyId, cancellationToken);
        return lookup.IsCompletedSuccessfully ? new(FromLookup(lookup.Result)) : FromPendingLookupAsync(lookup);
    }

    private async ValueTask<SignatureKeyResolution> FromPendingLookupAsync(ValueTask<KeySetLookup<SignatureKey>> lookup) =>
        FromLookup(await lookup.ConfigureAwait(false));

    private SignatureKeyResolution FromLookup(KeySetLookup<SignatureKey> lookup)
    {
        switch (lookup.Status)
        {
            case KeyLookupStatus.Found:
                ResolvedKeyId = lookup.Identity;
                return SignatureKeyResolution.Resolved(lookup.Key!);
            case KeyLookupStatus.Unavailable:
                // The outage was logged once where it was detected (the key source's fetch); the client learns the key is unknown.
                return SignatureKeyResolution.Unknown("The key directory is unavailable; the keyid could not be resolved.");
            default:
                return SignatureKeyResolution.Unknown("No trusted key has this keyid.");
        }
    }
}
