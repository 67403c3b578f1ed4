using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The handler's log messages. Event ids 1–99 belong to the handler and are stable. Client mistakes are logged at
/// Debug/Information (they are not server faults); nothing here ever logs a token, a signature or a secret.
/// </summary>
internal static partial class HandlerLog
{
    [LoggerMessage(1, LogLevel.Debug, "No AgentAuth credentials on the request.", EventName = "NoCredentials")]
    public static partial void NoCredentials(this ILogger logger);

    [LoggerMessage(2, LogLevel.Debug, "AgentAuth authentication succeeded: mode {Mode}, key thumbprint {KeyThumbprint}.", EventName = "AuthenticationSucceeded")]
    public static partial void AuthenticationSucceeded(this ILogger logger, string mode, string? keyThumbprint);

    [LoggerMessage(3, LogLevel.Information, "AgentAuth authentication failed: mode {Mode}, status {StatusCode}, error {Error}: {Description}", EventName = "AuthenticationFailed")]
    public static partial void AuthenticationFailed(this ILogger logger, string mode, int statusCode, string error, string description);

    [LoggerMessage(4, LogLevel.Error, "The replay cache could not be reached; the request was refused with 503 rather than accepted unchecked.", EventName = "ReplayCacheUnavailable")]
    public static partial void ReplayCacheUnavailable(this ILogger logger, Exception exception);

    // Event id 5 (KeysUnavailable) is retired: a key outage is logged once, where it is detected (KeysLog.FetchFailed).

    [LoggerMessage(6, LogLevel.Debug, "The response had already started; the 403 status could not be set.", EventName = "ForbiddenResponseHasStarted")]
    public static partial void ForbiddenResponseHasStarted(this ILogger logger);

    [LoggerMessage(7, LogLevel.Debug, "The response had already started; the challenge could not be written.", EventName = "ChallengeResponseHasStarted")]
    public static partial void ChallengeResponseHasStarted(this ILogger logger);

    [LoggerMessage(8, LogLevel.Error, "Unexpected error while authenticating an AgentAuth request; answered as a 400 invalid_request.", EventName = "UnexpectedError")]
    public static partial void UnexpectedError(this ILogger logger, Exception exception);
}
