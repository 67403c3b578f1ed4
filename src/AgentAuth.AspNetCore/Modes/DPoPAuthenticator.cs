using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A DPoP-bound token with its proof (RFC 9449 §7.1): validate the token (its <c>cnf.jkt</c> names the key), require
/// the binding, validate the proof (which checks the key binding before any signature work and records the <c>jti</c>
/// last, RFC 9449 §11.1), then send a rotated nonce on the response (§8.2).
/// </summary>
internal sealed class DPoPAuthenticator
{
    private readonly AgentTokenValidator _tokens;
    private readonly DPoPProofValidator _proofs;
    private readonly PublicOrigin? _publicOrigin;

    public DPoPAuthenticator(AgentTokenValidator tokens, DPoPProofValidator proofs, PublicOrigin? publicOrigin)
    {
        _tokens = tokens;
        _proofs = proofs;
        _publicOrigin = publicOrigin;
    }

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(AuthenticationRequest request, string token, StringValues proofHeaders)
    {
        var validation = await _tokens.ValidateAsync(token, request.Aborted);
        if (!validation.Succeeded)
        {
            return AgentAuthFailures.FromToken(validation, AgentAuthChallengeKind.DPoP);
        }
        if (validation.Confirmation is not { Jkt: { } jkt })
        {
            return AgentAuthFailures.DPoP(AgentAuthErrors.InvalidToken, "The token is not DPoP-bound (no cnf.jkt).");
        }

        var proof = await ValidateProofAsync(request, token, proofHeaders, jkt);
        if (!proof.Succeeded)
        {
            return AgentAuthFailures.DPoP(proof.Error!, proof.ErrorDescription ?? proof.Error!) with { DPoPNonce = proof.Nonce };
        }

        using var proofKey = proof.Key;
        SendRotatedNonce(request, proof.Nonce);
        return AuthenticationOutcome.Success(validation, proof.Thumbprint, keyId: null, label: null);
    }

    private ValueTask<DPoPProofValidationResult> ValidateProofAsync(AuthenticationRequest request, string token, StringValues proofHeaders, string jkt)
    {
        var message = request.Message;
        return _proofs.ValidateAsync(new DPoPProofRequest
        {
            Method = message.Method,
            PublicOrigin = _publicOrigin?.Origin ?? string.Concat(message.Scheme, "://", message.Authority),
            RawTarget = message.RequestTarget,
            AccessToken = token,
            ProofHeaderValues = proofHeaders,
            // The proof key must satisfy cnf.jkt (Confirmation), checked before the jti is recorded.
            ExpectedThumbprint = jkt,
        }, request.Options.DPoP, request.Aborted);
    }

    /// <summary>A rotated nonce rides on the successful response (RFC 9449 §8.2).</summary>
    private static void SendRotatedNonce(AuthenticationRequest request, string? nonce)
    {
        if (nonce is not null)
        {
            request.Context.Response.Headers[AgentAuthHeaderNames.DPoPNonce] = nonce;
        }
    }
}
