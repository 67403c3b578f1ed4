using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Finds the key of a Web Bot Auth signature, after the verifier's key-free checks: <c>Signature-Agent</c> must be covered
/// (as the field, or the dictionary member the signature names), name an allowed HTTPS origin, and that origin's signed
/// directory must hold a key whose RFC 7638 thumbprint is the <c>keyid</c>. No other key source is consulted.
/// </summary>
internal sealed class WebBotKeyResolver : ISignatureKeyResolver
{
    private readonly WebBotDirectories _directories;
    private readonly StringValues _signatureAgent;

    public WebBotKeyResolver(WebBotDirectories directories, StringValues signatureAgent)
    {
        _directories = directories;
        _signatureAgent = signatureAgent;
    }

    /// <summary>The directory origin of the resolved key.</summary>
    public string? Origin { get; private set; }

    /// <summary>Why the signature's <c>Signature-Agent</c> or directory was refused, in the client's terms; null otherwise.</summary>
    public AgentAuthFailure? Failure { get; private set; }

    public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken)
    {
        if (!TryFindCovered(parameters, out var covered))
        {
            return Refuse(AgentAuthFailures.Signature(AgentAuthErrors.InvalidInput,
                "Signature-Agent is not covered by the web-bot-auth signature; cover \"signature-agent\" (or \"signature-agent\";key=\"<label>\" for the dictionary form).")
                with { RequiredInput = "(\"@authority\" \"signature-agent\")" });
        }
        var value = _signatureAgent.Count == 1 ? _signatureAgent[0]! : string.Join(", ", _signatureAgent.ToArray());
        if (!SignatureAgentHeader.TryGetOrigin(value, covered, out var origin, out var error))
        {
            return Refuse(AgentAuthFailures.Signature(AgentAuthErrors.InvalidRequest, error));
        }
        if (!_directories.Discovery.IsAllowed(origin))
        {
            WebBotLog.OriginNotAllowed(_directories.Logger, origin);
            return Refuse(AgentAuthFailures.Signature(AgentAuthErrors.UnknownKey,
                "Signature-Agent names an origin whose key directory this server does not trust (WebBotAuth.Directories)."));
        }
        if (string.IsNullOrEmpty(keyId))
        {
            return Refuse(AgentAuthFailures.Signature(AgentAuthErrors.UnknownKey, "The web-bot-auth signature has no keyid (the JWK thumbprint of its key)."));
        }

        var lookup = _directories.FindAsync(origin, keyId, cancellationToken);
        return lookup.IsCompletedSuccessfully ? new(FromLookup(lookup.Result, origin, keyId)) : FromPendingLookupAsync(lookup, origin, keyId);
    }

    private static bool TryFindCovered(SignatureParametersView parameters, out SignatureComponent covered)
    {
        // The covered components in a pooled buffer: reading them allocates nothing per request.
        var count = parameters.ComponentCount;
        var components = System.Buffers.ArrayPool<SignatureComponent>.Shared.Rent(Math.Max(count, 1));
        try
        {
            parameters.CopyComponentsTo(components);
            return SignatureAgentHeader.TryFindCovered(components.AsSpan(0, count), out covered);
        }
        finally
        {
            Array.Clear(components, 0, count);
            System.Buffers.ArrayPool<SignatureComponent>.Shared.Return(components);
        }
    }

    private async ValueTask<SignatureKeyResolution> FromPendingLookupAsync(ValueTask<KeySetLookup<SignatureKey>> lookup, string origin, string keyId) =>
        FromLookup(await lookup.ConfigureAwait(false), origin, keyId);

    private SignatureKeyResolution FromLookup(KeySetLookup<SignatureKey> lookup, string origin, string keyId)
    {
        // keyid is the thumbprint (draft §4.2): a key merely labelled with that kid is not the key.
        if (lookup.Status == KeyLookupStatus.Found && string.Equals(lookup.Key!.Thumbprint, keyId, StringComparison.Ordinal))
        {
            Origin = origin;
            return SignatureKeyResolution.Resolved(lookup.Key);
        }
        var failure = lookup.Status == KeyLookupStatus.Unavailable
            // The fetch or the directory's own signature failed; the key source logged why, once (JwksFetchFailed).
            ? AgentAuthFailures.Signature(AgentAuthErrors.UnknownKey, "The Signature-Agent key directory could not be fetched, or its response is not signed by its keys.")
            : AgentAuthFailures.Signature(AgentAuthErrors.UnknownKey, "The Signature-Agent key directory has no key whose JWK thumbprint is this keyid.");
        Failure = failure;
        return SignatureKeyResolution.Unknown(failure.Description);
    }

    private ValueTask<SignatureKeyResolution> Refuse(AgentAuthFailure failure)
    {
        Failure = failure;
        return new(SignatureKeyResolution.Unknown(failure.Description));
    }
}
