using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The AgentAuth authentication handler: RFC 9421 signed requests (with or without a key-bound token), DPoP-bound
/// tokens (RFC 9449) and, when allowed, plain bearer tokens. The order of checks and the failure responses follow
/// the merged verifier checklist (protocols.md §9): classify without crypto, verify, bind, check the body, and check
/// replay last so a rejected request does not burn its nonce.
/// </summary>
public class AgentAuthHandler : AuthenticationHandler<AgentAuthOptions>
{
    private readonly AspNetCoreHttpMessage _message = new();
    private AgentAuthFailure? _failure;
    private string? _mode;

    /// <summary>Creates the handler (by DI, once per request).</summary>
    /// <param name="options">The scheme options monitor.</param>
    /// <param name="logger">The logger factory.</param>
    /// <param name="encoder">The URL encoder.</param>
    public AgentAuthHandler(IOptionsMonitor<AgentAuthOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    /// <summary>The scheme's events.</summary>
    protected new AgentAuthEvents Events
    {
        get => (AgentAuthEvents)base.Events!;
        set => base.Events = value;
    }

    /// <inheritdoc />
    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new AgentAuthEvents());

    private AgentAuthRuntime Runtime => Options.Runtime
        ?? throw new InvalidOperationException("The AgentAuth scheme was not configured through AddAgentAuth().");

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var runtime = Runtime;
        var start = TimeProvider.GetTimestamp();
        using var activity = AgentAuthMetrics.ActivitySource.StartActivity("AgentAuth.Authenticate");

        // Events that do nothing are skipped without building their context (three allocations per request).
        if (Events.HandlesMessageReceived)
        {
            var received = new AgentAuthMessageReceivedContext(Context, Scheme, Options);
            await Events.MessageReceived(received);
            if (received.Result is not null)
            {
                return received.Result;
            }
        }

        AuthenticateResult result;
        try
        {
            result = await AuthenticateCoreAsync(runtime);
        }
        catch (ReplayCacheUnavailableException ex)
        {
            // Counted once by the store (agentauth.replay_cache.failures) and once here as an authentication with error temporarily_unavailable.
            Logger.ReplayCacheUnavailable(ex);
            result = await FailAsync(new AgentAuthFailure(StatusCodes.Status503ServiceUnavailable, AgentAuthChallengeKind.Signature,
                AgentAuthErrors.TemporarilyUnavailable, "The replay check could not be made; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) });
        }
        catch (ReplayQuotaExceededException ex)
        {
            // This key alone holds its share of the replay cache: refuse it (429), not everyone (503).
            GuardLog.ReplayQuotaExceeded(Logger);
            result = await FailAsync(new AgentAuthFailure(StatusCodes.Status429TooManyRequests,
                _mode == AgentAuthenticationModes.DPoP ? AgentAuthChallengeKind.DPoP : AgentAuthChallengeKind.Signature,
                AgentAuthErrors.ReplayQuotaExceeded, "This key has too many unexpired single-use values; retry later.") { RetryAfter = ex.RetryAfter ?? TimeSpan.FromSeconds(1) });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing a client sends should reach here; if it does, it is still the client's request that failed, not the server.
            Logger.UnexpectedError(ex);
            result = await FailAsync(new AgentAuthFailure(StatusCodes.Status400BadRequest, AgentAuthChallengeKind.Bearer,
                AgentAuthErrors.InvalidRequest, "The request's credentials could not be processed."));
        }

        var outcome = result.Succeeded ? "success" : result.None ? "none" : "failure";
        runtime.Metrics.Record(outcome, _mode, _failure?.Error, start, TimeProvider);
        activity?.SetTag("agentauth.result", outcome);
        activity?.SetTag("agentauth.mode", _mode);
        if (_failure is not null)
        {
            activity?.SetTag("agentauth.error", _failure.Error);
        }
        return result;
    }

    // The private steps return ValueTask: on the usual path (keys and tokens cached) they complete synchronously and allocate no Task.
    private async ValueTask<AuthenticateResult> AuthenticateCoreAsync(AgentAuthRuntime runtime)
    {
        var headers = Request.Headers;
        var authorization = headers.Authorization;
        var signatureInput = headers[AgentAuthHeaderNames.SignatureInput];
        var signature = headers[AgentAuthHeaderNames.Signature];
        var dpop = headers[AgentAuthHeaderNames.DPoP];

        if (authorization.Count > 1)
        {
            return await FailAsync(InvalidRequest("The request carries more than one Authorization header."));
        }

        var credential = AuthorizationCredential.None;
        if (authorization.Count == 1 && !AuthorizationCredential.TryParse(authorization[0], runtime.BoundTokenSchemes, out credential))
        {
            return await FailAsync(InvalidRequest("The Authorization header is malformed."));
        }

        var hasSignature = signatureInput.Count > 0 || signature.Count > 0;
        if (!hasSignature && credential.Kind == CredentialKind.None && dpop.Count == 0)
        {
            Logger.NoCredentials();
            return AuthenticateResult.NoResult();
        }
        // One rule for every mode (issue 14 F1): credentials are only bound to an origin-form target, so the signature base,
        // the DPoP htu and routing all read the same URI. An origin server has no use for absolute form (RFC 9112 §3.2.2).
        _message.Reset(Request, runtime.PublicOrigin);
        if (!_message.IsOriginForm)
        {
            return await FailAsync(InvalidRequest("The request target is not in origin form (RFC 9112 §3.2.1); send the path and query, not an absolute URI."));
        }
        if (hasSignature && (signatureInput.Count == 0 || signature.Count == 0))
        {
            return await FailAsync(SignatureFailure(AgentAuthErrors.InvalidRequest, "Signature and Signature-Input must both be present."));
        }
        if (dpop.Count > 0 && credential.Kind != CredentialKind.DPoP)
        {
            return await FailAsync(InvalidRequest("A DPoP proof needs its DPoP-bound token in 'Authorization: DPoP'."));
        }

        if (credential.Kind == CredentialKind.DPoP)
        {
            if (hasSignature)
            {
                return await FailAsync(InvalidRequest("Use either a DPoP proof or an HTTP message signature, not both."));
            }
            if (runtime.DPoP is null)
            {
                // A mode that is off is treated as no credentials: the challenge lists what is enabled.
                return AuthenticateResult.NoResult();
            }
            _mode = AgentAuthenticationModes.DPoP;
            return await AuthenticateDPoPAsync(runtime, credential.Token.ToString(), dpop);
        }

        if (hasSignature)
        {
            if (credential.Kind == CredentialKind.None && !Options.AllowSignatureOnly)
            {
                return AuthenticateResult.NoResult();
            }
            _mode = credential.Kind == CredentialKind.None ? AgentAuthenticationModes.HttpSignature : AgentAuthenticationModes.HttpSignatureWithToken;
            return await AuthenticateSignedRequestAsync(runtime, credential.Kind == CredentialKind.None ? (ReadOnlyMemory<char>?)null : credential.Token);
        }

        _mode = AgentAuthenticationModes.Bearer;
        return await AuthenticateBearerAsync(runtime, credential.Token);
    }

    private async ValueTask<AuthenticateResult> AuthenticateBearerAsync(AgentAuthRuntime runtime, ReadOnlyMemory<char> token)
    {
        if (!Options.AllowBearerTokens)
        {
            return await FailAsync(TokenFailure("Bearer tokens are not accepted here: sign the request (RFC 9421) or use a DPoP-bound token."));
        }

        var validation = await runtime.Tokens.ValidateAsync(token, Context.RequestAborted);
        if (!validation.Succeeded)
        {
            return await FailTokenAsync(validation);
        }
        if (validation.Confirmation is not null)
        {
            // RFC 9449 §7.2 / RFC 7800: a key-bound token without its proof is refused, never downgraded to bearer.
            return await FailAsync(TokenFailure("The token is bound to a key (cnf): present it with an HTTP message signature or a DPoP proof."));
        }
        return await SucceedAsync(runtime, validation, keyThumbprint: null, keyId: null, label: null);
    }

    private async ValueTask<AuthenticateResult> AuthenticateSignedRequestAsync(AgentAuthRuntime runtime, ReadOnlyMemory<char>? token)
    {
        TokenValidationOutcome? validation = null;
        if (token is not null)
        {
            // The token names the key (cnf) and is checked before any signature work (protocols.md §9.2 step 7, mode b2).
            validation = await runtime.Tokens.ValidateAsync(token.Value, Context.RequestAborted);
            if (!validation.Succeeded)
            {
                return await FailTokenAsync(validation);
            }
            if (validation.Confirmation is null)
            {
                return await FailAsync(TokenFailure("A token sent with an HTTP message signature must be bound to the signing key (cnf)."));
            }
        }

        var hasBody = HasBody();
        var resolver = new SignatureKeyResolver(runtime.AgentKeys, validation?.Confirmation);
        var verification = await runtime.VerifierFor(hasBody, Request.Headers.ContentType.Count > 0, token is not null)
            .VerifyAsync(_message, runtime.SignatureSelection, resolver, Context.RequestAborted);

        if (!verification.Succeeded)
        {
            if (resolver.KeysUnavailableReason is not null)
            {
                Logger.KeysUnavailable(resolver.KeysUnavailableReason);
            }
            if (token is not null && resolver.KeyResolved && verification.Error == SignatureError.InvalidSignature && verification.ComponentError is null)
            {
                // Mode b2 (protocols.md §9.2 step 10): the proof of possession failed, so the token is refused, as LumoAuth verifiers do.
                return await FailAsync(TokenFailure("The signature does not verify with the key the token is bound to."));
            }
            return await FailAsync(FromSignatureError(verification));
        }

        if (!TryGetAcceptedUntil(verification, out var acceptedUntil, out var lifetimeProblem))
        {
            return await FailAsync(SignatureFailure(AgentAuthErrors.InvalidSignature, lifetimeProblem));
        }

        var key = verification.Key!;
        if (validation?.Confirmation is { } confirmation && !Confirmation.IsSatisfiedBy(confirmation, key.Thumbprint))
        {
            return await FailAsync(TokenFailure("The token is bound to a different key than the one that signed the request."));
        }

        if (Events.HandlesSignatureValidated)
        {
            var signatureValidated = new AgentAuthSignatureValidatedContext(Context, Scheme, Options, verification);
            await Events.SignatureValidated(signatureValidated);
            if (signatureValidated.Result is not null)
            {
                return signatureValidated.Result;
            }
        }

        // Without a Content-Digest field a signature covering it cannot have verified (its base needs the field), so the
        // covered components are only read again when the field is there.
        if (Request.Headers.ContainsKey(AgentAuthHeaderNames.ContentDigest) && verification.CoversPlainField("content-digest"))
        {
            var digestFailure = await CheckContentDigestAsync();
            if (digestFailure is not null)
            {
                // Mode b2 (protocols.md §9.2 step 12): a body that does not match what was signed invalidates the bound token's proof.
                return await FailAsync(token is not null && digestFailure.Error == AgentAuthErrors.InvalidSignature
                    ? TokenFailure(digestFailure.Description)
                    : digestFailure);
            }
        }

        // Replay last: a request rejected above must not burn its nonce.
        if (verification.HasNonce)
        {
            var replayKey = ReplayKeys.SignatureNonce(key.Thumbprint, verification.NonceValue);
            if (!await runtime.ReplayCache.TryAddAsync(replayKey, acceptedUntil, key.Thumbprint, Context.RequestAborted))
            {
                return await FailAsync(SignatureFailure(AgentAuthErrors.InvalidSignature, "The signature nonce was already used."));
            }
        }

        // The identity is the resolved key's (F3: never the keyid text a client sent).
        return await SucceedAsync(runtime, validation, key.Thumbprint, resolver.ResolvedKeyId, verification.Label);
    }

    /// <summary>
    /// The last instant the verifier would accept this signature again, which is how long its nonce must be remembered
    /// (issue 14 F2): <c>created</c> + <c>MaxAge</c> + skew when it has <c>created</c> (the verifier enforces that window),
    /// else <c>expires</c> + skew. Only with <c>RequireCreated</c> off can <c>created</c> be missing; then a signature
    /// without <c>expires</c> would be accepted forever, and one whose <c>expires</c> lies further ahead than the
    /// signature window would pin its replay entry that long (a key holder could fill the store), so both are refused.
    /// </summary>
    private bool TryGetAcceptedUntil(SignatureVerificationResult verification, out DateTimeOffset acceptedUntil, [NotNullWhen(false)] out string? problem)
    {
        var window = Options.Signatures.MaxAge + Options.ClockSkew;
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
        if (expires > TimeProvider.GetUtcNow() + window)
        {
            acceptedUntil = default;
            problem = "The signature has no created and its expires lies further ahead than Signatures:MaxAge allows.";
            return false;
        }
        acceptedUntil = expires + Options.ClockSkew;
        return true;
    }

    private async ValueTask<AuthenticateResult> AuthenticateDPoPAsync(AgentAuthRuntime runtime, string token, StringValues proofHeaders)
    {
        // The token is validated first so its cnf.jkt is known; the proof validator then checks the key binding before it
        // records the jti, keeping the replay check last (RFC 9449 §11.1: a rejected proof does not burn its jti).
        var validation = await runtime.Tokens.ValidateAsync(token, Context.RequestAborted);
        if (!validation.Succeeded)
        {
            return await FailTokenAsync(validation, AgentAuthChallengeKind.DPoP);
        }
        if (validation.Confirmation is not { Jkt: not null } confirmation)
        {
            return await FailAsync(DPoPFailure(AgentAuthErrors.InvalidToken, "The token is not DPoP-bound (no cnf.jkt)."));
        }

        var proof = await runtime.DPoP!.ValidateAsync(new DPoPProofRequest
        {
            Method = _message.Method,
            PublicOrigin = runtime.PublicOrigin?.Origin ?? string.Concat(_message.Scheme, "://", _message.Authority),
            RawTarget = _message.RequestTarget,
            AccessToken = token,
            ProofHeaderValues = proofHeaders,
            ExpectedThumbprint = confirmation.Jkt,
        }, Options.DPoP, Context.RequestAborted);

        if (!proof.Succeeded)
        {
            return await FailAsync(DPoPFailure(proof.Error!, proof.ErrorDescription ?? proof.Error!) with { DPoPNonce = proof.Nonce });
        }

        using var proofKey = proof.Key;
        if (proof.Nonce is not null)
        {
            // A rotated nonce rides on the successful response (RFC 9449 §8.2).
            Response.Headers[AgentAuthChallengeWriter.DPoPNonceHeader] = proof.Nonce;
        }
        return await SucceedAsync(runtime, validation, proof.Thumbprint, keyId: null, label: null);
    }

    private async ValueTask<AuthenticateResult> SucceedAsync(AgentAuthRuntime runtime, TokenValidationOutcome? validation, string? keyThumbprint, string? keyId, string? label)
    {
        TokenClaimSet? claims = null;
        if (validation is not null)
        {
            claims = validation.Claims;
            if (claims is null)
            {
                if (!AgentPrincipalFactory.TryCreateTokenClaims(validation.Token!, out claims, out var error))
                {
                    return await FailAsync(_mode == AgentAuthenticationModes.DPoP
                        ? DPoPFailure(AgentAuthErrors.InvalidToken, error!)
                        : TokenFailure(error!));
                }
                // Benign race: concurrent requests with the same cached token compute the same claims.
                validation.Claims = claims;
            }
        }

        var principal = AgentPrincipalFactory.CreatePrincipal(AgentAuthDefaults.AuthenticationScheme, _mode!, claims, keyThumbprint, keyId, label);
        var properties = new AuthenticationProperties();
        if (validation is not null)
        {
            // As JwtBearer does: the ticket expires with the token.
            properties.ExpiresUtc = validation.Expires;
        }
        if (Events.HandlesTokenValidated)
        {
            var validated = new AgentAuthTokenValidatedContext(Context, Scheme, Options, _mode!) { Principal = principal, Properties = properties };
            await Events.TokenValidated(validated);
            if (validated.Result is not null)
            {
                return validated.Result;
            }
            // The event may have replaced either (a null principal fails in AuthenticationTicket, as ResultContext.Success would).
            principal = validated.Principal!;
            properties = validated.Properties;
        }
        Logger.AuthenticationSucceeded(_mode!, keyThumbprint);
        return HandleRequestResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name));
    }

    private async Task<AgentAuthFailure?> CheckContentDigestAsync()
    {
        var headerValue = Request.Headers[AgentAuthHeaderNames.ContentDigest];
        if (headerValue.Count == 0)
        {
            return SignatureFailure(AgentAuthErrors.InvalidSignature, "Content-Digest is covered but missing.");
        }

        var maxBytes = Options.Signatures.MaxBodyBytes;
        if (Request.ContentLength > maxBytes)
        {
            return new AgentAuthFailure(StatusCodes.Status413PayloadTooLarge, AgentAuthChallengeKind.Signature,
                AgentAuthErrors.BodyTooLarge, "The body is larger than the server checks digests for.");
        }

        Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: maxBytes);
        ContentDigestVerificationResult digest;
        try
        {
            digest = await ContentDigest.VerifyAsync(headerValue.Count == 1 ? headerValue[0]! : string.Join(", ", headerValue.ToArray()), Request.Body, Context.RequestAborted);
        }
        catch (IOException)
        {
            // EnableBuffering's limit or a Kestrel body-size limit was hit while reading.
            return new AgentAuthFailure(StatusCodes.Status413PayloadTooLarge, AgentAuthChallengeKind.Signature,
                AgentAuthErrors.BodyTooLarge, "The body is larger than the server checks digests for.");
        }
        finally
        {
            Request.Body.Position = 0;
        }

        return digest switch
        {
            ContentDigestVerificationResult.Valid => null,
            ContentDigestVerificationResult.Mismatch => SignatureFailure(AgentAuthErrors.InvalidSignature, "Content-Digest does not match the body."),
            ContentDigestVerificationResult.NoSupportedAlgorithm => SignatureFailure(AgentAuthErrors.InvalidSignature, "Content-Digest has no sha-256 or sha-512 value."),
            _ => SignatureFailure(AgentAuthErrors.InvalidSignature, "Content-Digest is malformed."),
        };
    }

    private bool HasBody()
    {
        if (Request.ContentLength is { } length)
        {
            return length > 0;
        }
        return Context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
    }

    private async ValueTask<AuthenticateResult> FailTokenAsync(TokenValidationOutcome validation, AgentAuthChallengeKind kind = AgentAuthChallengeKind.Bearer)
    {
        if (validation.Failure == TokenFailureKind.KeysUnavailable)
        {
            Logger.KeysUnavailable(validation.FailureDescription ?? "unknown");
        }
        return await FailAsync(new AgentAuthFailure(StatusCodes.Status401Unauthorized, kind, AgentAuthErrors.InvalidToken,
            validation.FailureDescription ?? "The token is invalid."));
    }

    private async ValueTask<AuthenticateResult> FailAsync(AgentAuthFailure failure)
    {
        _failure = failure;
        Logger.AuthenticationFailed(_mode ?? "none", failure.StatusCode, failure.Error, failure.Description);
        var failed = new AgentAuthFailedContext(Context, Scheme, Options, failure);
        await Events.AuthenticationFailed(failed);
        if (failed.Result is not null)
        {
            return failed.Result;
        }
        return AuthenticateResult.Fail(failure.Description);
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        var challenge = new AgentAuthChallengeContext(Context, Scheme, Options, properties, _failure);
        await Events.Challenge(challenge);
        if (challenge.Handled)
        {
            return;
        }
        if (Response.HasStarted)
        {
            Logger.ChallengeResponseHasStarted();
            return;
        }
        var resourceMetadata = ResourceMetadataChallenge.GetResourceMetadataUrl(Context);
        AgentAuthChallengeWriter.Write(Response, Runtime.Challenges, _failure, resourceMetadata, ScopeChallenge.GetRequiredScopes(Context), Options.IncludeErrorDetails == true);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Response.HasStarted)
        {
            Logger.ForbiddenResponseHasStarted();
        }
        else
        {
            // A 403 never carries Signature-Error or Accept-Signature*; insufficient_scope is written by the scope layer.
            Response.StatusCode = StatusCodes.Status403Forbidden;
            Response.Headers.CacheControl = "no-store";
        }
        return Events.Forbidden(new AgentAuthForbiddenContext(Context, Scheme, Options));
    }

    private static AgentAuthFailure InvalidRequest(string description) =>
        new(StatusCodes.Status400BadRequest, AgentAuthChallengeKind.Bearer, AgentAuthErrors.InvalidRequest, description);

    private static AgentAuthFailure TokenFailure(string description) =>
        new(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.Bearer, AgentAuthErrors.InvalidToken, description);

    private static AgentAuthFailure DPoPFailure(string error, string description) =>
        new(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.DPoP, error, description);

    private static AgentAuthFailure SignatureFailure(string error, string description) =>
        new(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.Signature, error, description);

    private static AgentAuthFailure FromSignatureError(SignatureVerificationResult verification)
    {
        var error = verification.ErrorCode ?? AgentAuthErrors.InvalidSignature;
        return new AgentAuthFailure(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.Signature, error, verification.Reason ?? error)
        {
            RequiredInput = verification.Error == SignatureError.InvalidInput ? FormatInnerList(verification.RequiredComponents) : null,
        };
    }

    private static string FormatInnerList(IReadOnlyList<SignatureComponent> components)
    {
        var builder = new System.Text.StringBuilder(64).Append('(');
        for (var i = 0; i < components.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }
            builder.Append(components[i].ToString());
        }
        return builder.Append(')').ToString();
    }
}
