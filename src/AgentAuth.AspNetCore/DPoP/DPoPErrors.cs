namespace AgentAuth.AspNetCore;

/// <summary>The <c>error</c> codes of a <c>WWW-Authenticate: DPoP</c> challenge (RFC 9449 §7.1, §12.2; RFC 6750 §3.1).</summary>
internal static class DPoPErrors
{
    /// <summary>The proof is missing, malformed, stale, replayed or does not match the request.</summary>
    public const string InvalidDPoPProof = "invalid_dpop_proof";

    /// <summary>The proof lacks a valid, fresh server nonce; the response carries one in <c>DPoP-Nonce</c>.</summary>
    public const string UseDPoPNonce = "use_dpop_nonce";

    /// <summary>The access token is invalid or not bound to the proof key.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>The <c>Authorization: DPoP</c> credentials are malformed.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>The RFC 9449 §7.1 description of a <c>cnf.jkt</c> mismatch.</summary>
    public const string InvalidKeyBindingDescription = "Invalid DPoP key binding";

    /// <summary>The RFC 9449 §9 description of a missing or stale nonce.</summary>
    public const string NonceRequiredDescription = "Resource server requires nonce in DPoP proof";
}
