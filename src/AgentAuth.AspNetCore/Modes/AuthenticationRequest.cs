using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>
/// What an authenticator reads for one request: the HTTP context, the request as the client addressed it, the scheme's
/// options, its clock, and the <c>SignatureValidated</c> event when the application handles it.
/// </summary>
internal readonly struct AuthenticationRequest
{
    public required HttpContext Context { get; init; }

    public required AspNetCoreHttpMessage Message { get; init; }

    public required AgentAuthOptions Options { get; init; }

    public required TimeProvider TimeProvider { get; init; }

    /// <summary>
    /// Runs the <c>SignatureValidated</c> event and returns its result when it decided the request; <see langword="null"/>
    /// when the application does not handle the event (so its context is never built).
    /// </summary>
    public Func<SignatureVerificationResult, ValueTask<AuthenticateResult?>>? OnSignatureValidated { get; init; }

    public CancellationToken Aborted => Context.RequestAborted;
}
