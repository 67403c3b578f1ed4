namespace AgentAuth.AspNetCore;

/// <summary>
/// Hooks into the AgentAuth handler, in the shape of <c>JwtBearerEvents</c>: set a delegate property, or derive and
/// override the virtual method (register the derived type with <see cref="Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions.EventsType"/>).
/// </summary>
public class AgentAuthEvents
{
    // The defaults are shared instances, so the handler can tell that an event does nothing and skip building its context.
    private static readonly Func<AgentAuthMessageReceivedContext, Task> NoMessageReceived = static _ => Task.CompletedTask;
    private static readonly Func<AgentAuthSignatureValidatedContext, Task> NoSignatureValidated = static _ => Task.CompletedTask;
    private static readonly Func<AgentAuthTokenValidatedContext, Task> NoTokenValidated = static _ => Task.CompletedTask;

    /// <summary>Invoked first, before any credential is read. Set <c>context.Principal</c> + <c>Success()</c>, <c>NoResult()</c> or <c>Fail()</c> to take over.</summary>
    public Func<AgentAuthMessageReceivedContext, Task> OnMessageReceived { get; set; } = NoMessageReceived;

    /// <summary>Invoked after an HTTP message signature verified (before the body digest and replay checks).</summary>
    public Func<AgentAuthSignatureValidatedContext, Task> OnSignatureValidated { get; set; } = NoSignatureValidated;

    /// <summary>Invoked after all checks passed and the principal was built. Call <c>Fail()</c> to reject.</summary>
    public Func<AgentAuthTokenValidatedContext, Task> OnTokenValidated { get; set; } = NoTokenValidated;

    /// <summary>Invoked when authentication failed, with the error code and description the client will see.</summary>
    public Func<AgentAuthFailedContext, Task> OnAuthenticationFailed { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invoked before the 401 challenge is written. Call <c>HandleResponse()</c> to write your own.</summary>
    public Func<AgentAuthChallengeContext, Task> OnChallenge { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invoked before a 403 is written by the scheme.</summary>
    public Func<AgentAuthForbiddenContext, Task> OnForbidden { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnMessageReceived"/>.</summary>
    /// <param name="context">The event context.</param>
    public virtual Task MessageReceived(AgentAuthMessageReceivedContext context) => OnMessageReceived(context);

    /// <summary>Invokes <see cref="OnSignatureValidated"/>.</summary>
    /// <param name="context">The event context.</param>
    public virtual Task SignatureValidated(AgentAuthSignatureValidatedContext context) => OnSignatureValidated(context);

    /// <summary>Invokes <see cref="OnTokenValidated"/>.</summary>
    /// <param name="context">The event context.</param>
    public virtual Task TokenValidated(AgentAuthTokenValidatedContext context) => OnTokenValidated(context);

    /// <summary>Invokes <see cref="OnAuthenticationFailed"/>.</summary>
    /// <param name="context">The event context.</param>
    public virtual Task AuthenticationFailed(AgentAuthFailedContext context) => OnAuthenticationFailed(context);

    /// <summary>Invokes <see cref="OnChallenge"/>.</summary>
    /// <param name="context">The event context.</param>
    public virtual Task Challenge(AgentAuthChallengeContext context) => OnChallenge(context);

    /// <summary>Invokes <see cref="OnForbidden"/>.</summary>
    /// <param name="context">The event context.</param>
    public virtual Task Forbidden(AgentAuthForbiddenContext context) => OnForbidden(context);

    // A derived type may override the virtual method, so only this exact type with the default delegate is known to do nothing.
    internal bool HandlesMessageReceived => GetType() != typeof(AgentAuthEvents) || !ReferenceEquals(OnMessageReceived, NoMessageReceived);

    internal bool HandlesSignatureValidated => GetType() != typeof(AgentAuthEvents) || !ReferenceEquals(OnSignatureValidated, NoSignatureValidated);

    internal bool HandlesTokenValidated => GetType() != typeof(AgentAuthEvents) || !ReferenceEquals(OnTokenValidated, NoTokenValidated);
}
