using System.Diagnostics;
using System.Text.Encodings.Web;
using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The AgentAuth authentication handler: RFC 9421 signed requests (with or without a key-bound token), DPoP-bound
/// tokens (RFC 9449) and, when allowed, plain bearer tokens. The handler classifies the credentials without crypto,
/// hands the request to the mode's authenticator (<see cref="SignedRequestAuthenticator"/>,
/// <see cref="DPoPAuthenticator"/>, <see cref="BearerAuthenticator"/>), which runs the protocol steps in order, and then
/// runs the events, records metrics and writes the challenge.
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
        // The clock is read for the duration histogram only when it has a listener.
        long? start = runtime.Metrics.DurationEnabled ? TimeProvider.GetTimestamp() : null;
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
            // Logged at Error here only: stores log their detail at Debug, so an outage is one Error line per request, custom stores included.
            Logger.ReplayCacheUnavailable(ex);
            result = await FailAsync(new AgentAuthFailure(StatusCodes.Status503ServiceUnavailable, AgentAuthChallengeKind.Signature,
                AgentAuthErrors.TemporarilyUnavailable, "The replay check could not be made; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) });
        }
        catch (RevocationStoreUnavailableException ex)
        {
            // Fail closed: a token whose revocation could not be checked is not accepted (one Error line, as for the replay store).
            IntrospectionLog.RevocationStoreUnavailable(Logger, ex);
            result = await FailAsync(new AgentAuthFailure(StatusCodes.Status503ServiceUnavailable, AgentAuthChallengeKind.Bearer,
                AgentAuthErrors.TemporarilyUnavailable, "The token's revocation check could not be made; retry shortly.") { RetryAfter = AgentAuthFailures.IntrospectionRetryAfter });
        }
        catch (ReplayQuotaExceededException ex)
        {
            // This key alone holds its share of the replay cache: refuse it (429), not everyone (503).
            ReplayLog.ReplayQuotaExceeded(Logger);
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
            // OpenTelemetry marks a failed operation with status Error; the description is the error code, never a credential.
            activity?.SetStatus(ActivityStatusCode.Error, _failure.Error);
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
        // LumoAuth profile: the quick-start Agent-Auth header is a credential only when the profile is on.
        var agentAuth = runtime.LumoAuth is null ? default : headers[AgentAuthHeaderNames.AgentAuth];

        if (authorization.Count > 1)
        {
            return await FailAsync(AgentAuthFailures.InvalidRequest("The request carries more than one Authorization header."));
        }

        var credential = AuthorizationCredential.None;
        if (authorization.Count == 1 && !AuthorizationCredential.TryParse(authorization[0], runtime.BoundTokenSchemes, out credential))
        {
            return await FailAsync(AgentAuthFailures.InvalidRequest("The Authorization header is malformed."));
        }

        var hasSignature = signatureInput.Count > 0 || signature.Count > 0;
        if (!hasSignature && credential.Kind == CredentialKind.None && dpop.Count == 0 && agentAuth.Count == 0)
        {
            Logger.NoCredentials();
            return AuthenticateResult.NoResult();
        }
        // One rule for every mode: credentials are only bound to an origin-form target, so the signature base,
        // the DPoP htu and routing all read the same URI. An origin server has no use for absolute form (RFC 9112 §3.2.2).
        _message.Reset(Request, runtime.PublicOrigin);
        if (!_message.IsOriginForm)
        {
            return await FailAsync(AgentAuthFailures.InvalidRequest("The request target is not in origin form (RFC 9112 §3.2.1); send the path and query, not an absolute URI."));
        }
        if (agentAuth.Count > 0)
        {
            if (hasSignature || dpop.Count > 0 || credential.Kind == CredentialKind.DPoP)
            {
                return await FailAsync(AgentAuthFailures.InvalidRequest("Use either an Agent-Auth signature with its Bearer token or another credential, not both."));
            }
            _mode = AgentAuthenticationModes.HttpSignatureWithToken;
            return await CompleteAsync(runtime, await runtime.LumoAuth!.AuthenticateAsync(CreateRequest(), agentAuth, credential.Kind == CredentialKind.None ? null : credential.Token));
        }
        if (hasSignature && (signatureInput.Count == 0 || signature.Count == 0))
        {
            return await FailAsync(AgentAuthFailures.Signature(AgentAuthErrors.InvalidRequest, "Signature and Signature-Input must both be present."));
        }
        if (dpop.Count > 0 && credential.Kind != CredentialKind.DPoP)
        {
            return await FailAsync(AgentAuthFailures.InvalidRequest("A DPoP proof needs its DPoP-bound token in 'Authorization: DPoP'."));
        }

        if (credential.Kind == CredentialKind.DPoP)
        {
            if (hasSignature)
            {
                return await FailAsync(AgentAuthFailures.InvalidRequest("Use either a DPoP proof or an HTTP message signature, not both."));
            }
            if (runtime.DPoPAuthenticator is null)
            {
                // A mode that is off is treated as no credentials: the challenge lists what is enabled.
                return AuthenticateResult.NoResult();
            }
            _mode = AgentAuthenticationModes.DPoP;
            return await CompleteAsync(runtime, await runtime.DPoPAuthenticator.AuthenticateAsync(CreateRequest(), credential.Token.ToString(), dpop));
        }

        if (hasSignature && runtime.SignatureKeys is not null && headers[AgentAuthHeaderNames.SignatureKey] is { Count: > 0 } signatureKey)
        {
            // AAuth (draft-hardt-httpbis-signature-key-08): the key travels in Signature-Key, and any token inside it.
            if (credential.Kind != CredentialKind.None)
            {
                return await FailAsync(AgentAuthFailures.InvalidRequest("Use either Signature-Key or an Authorization token with a signature, not both."));
            }
            _mode = AgentAuthenticationModes.AAuth;
            return await CompleteAsync(runtime, await runtime.SignatureKeys.AuthenticateAsync(CreateRequest(), signatureKey));
        }

        // Web Bot Auth: a signature without a token that names its operator's directory (Signature-Agent).
        if (hasSignature && credential.Kind == CredentialKind.None && runtime.WebBots is not null && headers.ContainsKey(SignatureAgentHeader.FieldName))
        {
            _mode = AgentAuthenticationModes.WebBotAuth;
            return await CompleteAsync(runtime, await runtime.WebBots.AuthenticateAsync(CreateRequest()));
        }

        if (hasSignature)
        {
            if (credential.Kind == CredentialKind.None && !Options.AllowSignatureOnly)
            {
                return AuthenticateResult.NoResult();
            }
            _mode = credential.Kind == CredentialKind.None ? AgentAuthenticationModes.HttpSignature : AgentAuthenticationModes.HttpSignatureWithToken;
            var token = credential.Kind == CredentialKind.None ? (ReadOnlyMemory<char>?)null : credential.Token;
            return await CompleteAsync(runtime, await runtime.SignedRequests.AuthenticateAsync(CreateRequest(), token));
        }

        _mode = AgentAuthenticationModes.Bearer;
        return await CompleteAsync(runtime, await runtime.Bearer.AuthenticateAsync(CreateRequest(), credential.Token));
    }

    private AuthenticationRequest CreateRequest() => new()
    {
        Context = Context,
        Message = _message,
        Options = Options,
        TimeProvider = TimeProvider,
        OnSignatureValidated = Events.HandlesSignatureValidated ? RunSignatureValidatedAsync : null,
    };

    private async ValueTask<AuthenticateResult?> RunSignatureValidatedAsync(SignatureVerificationResult verification)
    {
        var signatureValidated = new AgentAuthSignatureValidatedContext(Context, Scheme, Options, verification);
        await Events.SignatureValidated(signatureValidated);
        return signatureValidated.Result;
    }

    // Not async: it only picks the next step, so the hot path pays no state machine for it.
    private ValueTask<AuthenticateResult> CompleteAsync(AgentAuthRuntime runtime, AuthenticationOutcome outcome)
    {
        if (outcome.EventResult is { } eventResult)
        {
            return new ValueTask<AuthenticateResult>(eventResult);
        }
        if (outcome.Failure is { } failure)
        {
            return FailAsync(failure);
        }
        return SucceedAsync(runtime, outcome.Token, outcome.KeyThumbprint, outcome.KeyId, outcome.Label, outcome.AAuth, outcome.SignatureAgent);
    }

    private async ValueTask<AuthenticateResult> SucceedAsync(AgentAuthRuntime runtime, TokenValidationOutcome? validation, string? keyThumbprint, string? keyId, string? label, AAuthIdentity? aauth = null, string? signatureAgent = null)
    {
        TokenClaimSet? claims = null;
        AgentClaimsIdentity? identity = null;
        if (validation is not null)
        {
            claims = validation.Claims;
            if (claims is null)
            {
                // A token validated for this request alone (token cache off): its claims are created for this request's
                // identity and kept by it, not created once more as copies. A cached outcome's claims belong to no identity.
                identity = validation.ServesOneRequest ? new AgentClaimsIdentity(AgentAuthDefaults.AuthenticationScheme, Options) : null;
                if (!AgentPrincipalFactory.TryCreateTokenClaims(validation.Token!, Options.ScopeClaims, out claims, out var error, identity))
                {
                    return await FailAsync(_mode == AgentAuthenticationModes.DPoP
                        ? AgentAuthFailures.DPoP(AgentAuthErrors.InvalidToken, error!)
                        : AgentAuthFailures.Token(error!));
                }
                if (identity is null)
                {
                    // Benign race: concurrent requests with the same cached token compute the same claims.
                    validation.Claims = claims;
                }
            }
        }

        var principal = AgentPrincipalFactory.CreatePrincipal(AgentAuthDefaults.AuthenticationScheme, _mode!, claims, keyThumbprint, keyId, label, aauth, signatureAgent, Options, identity);
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
        if (principal.Identity is not AgentClaimsIdentity { SchemeOptions: not null })
        {
            // The TokenValidated event replaced the principal: the options travel in HttpContext.Items instead of on our identity.
            ScopeChallenge.SetAuthenticatedSchemeOptions(Context, Options);
        }
        return HandleRequestResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name));
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
        if (_failure is { StatusCode: StatusCodes.Status503ServiceUnavailable })
        {
            await AgentAuthChallengeWriter.WriteUnavailableBodyAsync(Response, _failure, Options.IncludeErrorDetails == true);
        }
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
}
