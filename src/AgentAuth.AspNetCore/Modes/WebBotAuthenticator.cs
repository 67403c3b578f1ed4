using AgentAuth.HttpSignatures;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A Web Bot Auth request (<see cref="AgentAuthenticationModes.WebBotAuth"/>): an RFC 9421 signature tagged
/// <c>web-bot-auth</c> without a token, whose key comes from the signed directory of the origin its covered
/// <c>Signature-Agent</c> names. The steps, in order:
/// <list type="number">
/// <item><see cref="VerifySignatureAsync"/>: the core verifier with the <see cref="WebBotAuthProfile"/> policy (tag, <c>@authority</c>,
/// <c>created</c> and <c>expires</c> within <see cref="WebBotAuthOptions.MaxValidity"/>); its key comes from
/// <see cref="WebBotKeyResolver"/> (<c>Signature-Agent</c> covered and allowed, then the directory by thumbprint).</item>
/// <item>The application's <c>SignatureValidated</c> event.</item>
/// <item><see cref="SignedRequestAuthenticator.CheckContentDigestAsync"/>: a covered <c>Content-Digest</c> must match the body.</item>
/// <item><see cref="SignedRequestAuthenticator.RecordNonceAsync"/>: replay last, remembered until <c>expires</c> plus the skew.</item>
/// </list>
/// </summary>
internal sealed class WebBotAuthenticator
{
    private readonly HttpMessageSignatureVerifier[] _verifiers;
    private readonly WebBotDirectories _directories;
    private readonly IReplayCache _replayCache;

    // createVerifier builds the verifier for (hasBody, hasContentType); called once per combination.
    public WebBotAuthenticator(Func<bool, bool, HttpMessageSignatureVerifier> createVerifier, WebBotDirectories directories, IReplayCache replayCache)
    {
        _verifiers = [createVerifier(false, false), createVerifier(true, false), createVerifier(false, true), createVerifier(true, true)];
        _directories = directories;
        _replayCache = replayCache;
    }

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(AuthenticationRequest request)
    {
        var resolver = new WebBotKeyResolver(_directories, request.Context.Request.Headers[SignatureAgentHeader.FieldName]);
        var verification = await VerifySignatureAsync(request, resolver);
        if (!verification.Succeeded)
        {
            // A Signature-Agent problem is said as such; otherwise the verifier's own error (tag, coverage, time, signature).
            return resolver.Failure ?? AgentAuthFailures.FromSignature(verification);
        }

        if (request.OnSignatureValidated is { } onSignatureValidated && await onSignatureValidated(verification) is { } eventResult)
        {
            return AuthenticationOutcome.Handled(eventResult);
        }

        if (await SignedRequestAuthenticator.CheckContentDigestAsync(request, verification, bound: false) is { } digestFailure)
        {
            return digestFailure;
        }

        // expires is required by the profile, and the verifier accepts nothing after expires + skew.
        var key = verification.Key!;
        var acceptedUntil = verification.Expires!.Value + request.Options.ClockSkew;
        if (!await SignedRequestAuthenticator.RecordNonceAsync(_replayCache, request, verification, key.Thumbprint, acceptedUntil))
        {
            return AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, "The signature nonce was already used.");
        }

        // The bot is its operator (the directory origin) and its key (the thumbprint), never header text.
        return AuthenticationOutcome.Success(null, key.Thumbprint, key.Thumbprint, verification.Label, resolver.Origin);
    }

    private ValueTask<SignatureVerificationResult> VerifySignatureAsync(AuthenticationRequest request, WebBotKeyResolver resolver)
    {
        var hasBody = SignedRequestAuthenticator.HasBody(request.Context);
        var requireContentType = hasBody && request.Context.Request.Headers.ContentType.Count > 0;
        var verifier = _verifiers[(hasBody ? 1 : 0) | (requireContentType ? 2 : 0)];
        return verifier.VerifyAsync(request.Message, WebBotAuthProfile.Selection, resolver, request.Aborted);
    }
}
