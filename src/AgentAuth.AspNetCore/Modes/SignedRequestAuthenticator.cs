using System.Diagnostics.CodeAnalysis;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Digests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AgentAuth.AspNetCore;

/// <summary>
/// An RFC 9421 signed request, alone or with a key-bound token in <c>Authorization</c>. The steps, in order:
/// <list type="number">
/// <item><see cref="CheckBoundToken"/>: the token, when present, is validated first and must carry <c>cnf</c> (it names the key).</item>
/// <item><see cref="VerifySignatureAsync"/>: the verifier picks the signature, resolves its key (the token's <c>cnf.jwk</c> or the agent keys by <c>keyid</c>) and verifies it.</item>
/// <item><see cref="TryGetAcceptedUntil"/>: how long the signature stays acceptable, which bounds its nonce's replay entry.</item>
/// <item><see cref="CheckConfirmation"/>: the signing key must satisfy the token's <c>cnf</c> (<see cref="Confirmation"/>).</item>
/// <item>The application's <c>SignatureValidated</c> event.</item>
/// <item><see cref="CheckContentDigestAsync"/>: a covered <c>Content-Digest</c> must match the body (RFC 9530).</item>
/// <item><see cref="RecordNonceAsync"/>: replay last, so a request rejected above does not burn its nonce.</item>
/// </list>
/// </summary>
internal sealed class SignedRequestAuthenticator
{
    private readonly AgentAuthRuntime _runtime;

    public SignedRequestAuthenticator(AgentAuthRuntime runtime) => _runtime = runtime;

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(AuthenticationRequest request, ReadOnlyMemory<char>? token)
    {
        TokenValidationOutcome? validation = null;
        if (token is { } tokenText)
        {
            validation = await _runtime.Tokens.ValidateAsync(tokenText, request.Aborted);
            if (CheckBoundToken(validation) is { } tokenFailure)
            {
                return tokenFailure;
            }
        }
        var bound = validation is not null;

        var resolver = new SignatureKeyResolver(_runtime.AgentKeys, validation?.Confirmation);
        var verification = await VerifySignatureAsync(request, resolver, validation);
        if (!verification.Succeeded)
        {
            return SignatureFailed(verification, bound);
        }

        if (!TryGetAcceptedUntil(request, verification, out var acceptedUntil, out var lifetimeProblem))
        {
            return AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, lifetimeProblem);
        }

        var key = verification.Key!;
        if (CheckConfirmation(validation, key.Thumbprint) is { } unbound)
        {
            return unbound;
        }

        if (request.OnSignatureValidated is { } onSignatureValidated && await onSignatureValidated(verification) is { } eventResult)
        {
            return AuthenticationOutcome.Handled(eventResult);
        }

        if (await CheckContentDigestAsync(request, verification, bound) is { } digestFailure)
        {
            return digestFailure;
        }

        if (!await RecordNonceAsync(_runtime.ReplayCache, request, verification, key.Thumbprint, acceptedUntil))
        {
            return AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, "The signature nonce was already used.");
        }

        // The identity is the resolved key's, never the keyid text a client sent.
        return AuthenticationOutcome.Success(validation, key.Thumbprint, resolver.ResolvedKeyId, verification.Label);
    }

    /// <summary>The token names the key (<c>cnf</c>), so it is checked before any signature work: it must be valid and bound.</summary>
    private static AgentAuthFailure? CheckBoundToken(TokenValidationOutcome validation)
    {
        if (!validation.Succeeded)
        {
            return AgentAuthFailures.FromToken(validation, AgentAuthChallengeKind.Bearer);
        }
        if (validation.Confirmation is null)
        {
            return AgentAuthFailures.Token("A token sent with an HTTP message signature must be bound to the signing key (cnf).");
        }
        return null;
    }

    /// <summary>
    /// The scheme's strict verifier, except for a token of the LumoAuth tenant when that profile is on: its SDK's two
    /// deviations (base64url <c>Signature</c>, absent <c>signature-key</c> signed as empty) are accepted there and nowhere else.
    /// </summary>
    private ValueTask<SignatureVerificationResult> VerifySignatureAsync(AuthenticationRequest request, SignatureKeyResolver resolver, TokenValidationOutcome? validation)
    {
        var hasBody = HasBody(request.Context);
        var hasContentType = request.Context.Request.Headers.ContentType.Count > 0;
        var verifier = _runtime.LumoAuthProfile?.SdkVerifierFor(validation, hasBody, hasContentType)
            ?? _runtime.VerifierFor(hasBody, hasContentType, validation is not null);
        return verifier.VerifyAsync(request.Message, _runtime.SignatureSelection, resolver, request.Aborted);
    }

    internal static AgentAuthFailure SignatureFailed(in SignatureVerificationResult verification, bool bound)
    {
        if (bound && verification.KeyResolved && verification.Error == SignatureError.InvalidSignature && verification.ComponentError is null)
        {
            // With a bound token the signature is its proof of possession (RFC 7800 §3): when it does not verify with the
            // token's key, the token is what is refused.
            return AgentAuthFailures.Token("The signature does not verify with the key the token is bound to.");
        }
        return AgentAuthFailures.FromSignature(verification);
    }

    /// <summary>
    /// The last instant the verifier would accept this signature again, which is how long its nonce must be remembered:
    /// <c>created</c> + <c>MaxAge</c> + skew when it has <c>created</c> (the verifier enforces that window), else
    /// <c>expires</c> + skew. Only with <c>RequireCreated</c> off can <c>created</c> be missing; then a signature without
    /// <c>expires</c> would be accepted forever, and one whose <c>expires</c> lies further ahead than the signature window
    /// would pin its replay entry that long (a key holder could fill the store), so both are refused.
    /// </summary>
    internal static bool TryGetAcceptedUntil(AuthenticationRequest request, in SignatureVerificationResult verification, out DateTimeOffset acceptedUntil, [NotNullWhen(false)] out string? problem)
    {
        var options = request.Options;
        var window = options.Signatures.MaxAge + options.ClockSkew;
        problem = null;
        if (verification.Created is { } created)
        {
            acceptedUntil = created + window;
            return true;
        }
        if (verification.Expires is not { } expires)
        {
            acceptedUntil = default;
            problem = "The signature has neither created nor expires, so it would never expire.";
            return false;
        }
        if (expires > request.TimeProvider.GetUtcNow() + window)
        {
            acceptedUntil = default;
            problem = "The signature has no created and its expires lies further ahead than Signatures:MaxAge allows.";
            return false;
        }
        acceptedUntil = expires + options.ClockSkew;
        return true;
    }

    /// <summary>The signing key must satisfy the token's <c>cnf</c> (for <c>cnf.jwk</c> it is that key; for <c>cnf.jkt</c> the keyid's key).</summary>
    private static AgentAuthFailure? CheckConfirmation(TokenValidationOutcome? validation, string keyThumbprint) =>
        validation?.Confirmation is { } confirmation && !Confirmation.IsSatisfiedBy(confirmation, keyThumbprint)
            ? AgentAuthFailures.Token("The token is bound to a different key than the one that signed the request.")
            : null;

    /// <summary>
    /// A covered <c>Content-Digest</c> must match the body (RFC 9530). Without the field a signature covering it cannot
    /// have verified (its base needs the field), so the covered components are only read again when the field is there.
    /// </summary>
    /// <remarks>Not <c>async</c>: most signed requests have no body, and their path stays free of a state machine.</remarks>
    internal static ValueTask<AgentAuthFailure?> CheckContentDigestAsync(AuthenticationRequest request, in SignatureVerificationResult verification, bool bound)
    {
        if (!request.Context.Request.Headers.ContainsKey(AgentAuthHeaderNames.ContentDigest) || !verification.Covers("content-digest"))
        {
            return default;
        }
        return CheckCoveredContentDigestAsync(request, bound);
    }

    private static async ValueTask<AgentAuthFailure?> CheckCoveredContentDigestAsync(AuthenticationRequest request, bool bound)
    {
        var failure = await VerifyContentDigestAsync(request);
        // With a bound token, a body that does not match what was signed invalidates the token's proof of possession.
        return bound && failure is not null && failure.Error == AgentAuthErrors.InvalidSignature
            ? AgentAuthFailures.Token(failure.Description)
            : failure;
    }

    private static async Task<AgentAuthFailure?> VerifyContentDigestAsync(AuthenticationRequest request)
    {
        var httpRequest = request.Context.Request;
        var headerValue = httpRequest.Headers[AgentAuthHeaderNames.ContentDigest];
        if (headerValue.Count == 0)
        {
            return AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, "Content-Digest is covered but missing.");
        }

        var maxBytes = request.Options.Signatures.MaxBodyBytes;
        if (httpRequest.ContentLength > maxBytes)
        {
            return AgentAuthFailures.BodyTooLarge();
        }

        httpRequest.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: maxBytes);
        ContentDigestVerificationResult digest;
        try
        {
            digest = await ContentDigest.VerifyAsync(headerValue.Count == 1 ? headerValue[0]! : string.Join(", ", headerValue.ToArray()), httpRequest.Body, request.Aborted);
        }
        catch (IOException)
        {
            // EnableBuffering's limit or a Kestrel body-size limit was hit while reading.
            return AgentAuthFailures.BodyTooLarge();
        }
        finally
        {
            httpRequest.Body.Position = 0;
        }

        return digest switch
        {
            ContentDigestVerificationResult.Valid => null,
            ContentDigestVerificationResult.Mismatch => AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, "Content-Digest does not match the body."),
            ContentDigestVerificationResult.NoSupportedAlgorithm => AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, "Content-Digest has no sha-256 or sha-512 value."),
            _ => AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, "Content-Digest is malformed."),
        };
    }

    /// <summary>Replay last (RFC 9421 §7.2.2): records the nonce until the signature could no longer be accepted; false when it was seen.</summary>
    internal static ValueTask<bool> RecordNonceAsync(IReplayCache replayCache, AuthenticationRequest request, in SignatureVerificationResult verification, string keyThumbprint, DateTimeOffset acceptedUntil)
    {
        if (ReplayKeyFor(verification, keyThumbprint) is not { } replayKey)
        {
            return new ValueTask<bool>(true);
        }
        return replayCache.TryAddAsync(replayKey, acceptedUntil, keyThumbprint, request.Aborted);
    }

    private static string? ReplayKeyFor(in SignatureVerificationResult verification, string keyThumbprint) =>
        verification.TryGetNonce(out var nonce) ? ReplayKeys.SignatureNonce(keyThumbprint, nonce) : null;

    internal static bool HasBody(HttpContext context)
    {
        if (context.Request.ContentLength is { } length)
        {
            return length > 0;
        }
        return context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
    }
}
