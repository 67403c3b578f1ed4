namespace AgentAuth.HttpSignatures;

/// <summary>Finds the verification key for a signature (from <c>keyid</c>, a JWKS, a token's <c>cnf</c>, configuration, ...).</summary>
public interface ISignatureKeyResolver
{
    /// <summary>Resolves the key for a signature.</summary>
    /// <param name="keyId">The <c>keyid</c> parameter, if any.</param>
    /// <param name="parameters">The parsed signature (label, components, parameters).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The key, or why there is none.</returns>
    ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken);
}
