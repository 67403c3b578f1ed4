using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>Web Bot Auth logs: event ids 7250-7259 (docs/events.md). Never a signature; origins and thumbprints are public.</summary>
internal static partial class WebBotLog
{
    [LoggerMessage(EventId = 7250, EventName = "WebBotOriginNotAllowed", Level = LogLevel.Information,
        Message = "A Web Bot Auth request names Signature-Agent {Origin}, which WebBotAuth.Directories does not allow; add it to AllowedOrigins to accept this operator's bots.")]
    public static partial void OriginNotAllowed(ILogger logger, string origin);

    [LoggerMessage(EventId = 7251, EventName = "WebBotDirectoryKeysUnproven", Level = LogLevel.Warning,
        Message = "The key directory {Address} lists {Count} keys that did not sign its response; they are ignored (a directory may list only keys its server holds).")]
    public static partial void DirectoryKeysUnproven(ILogger logger, string address, int count);

    [LoggerMessage(EventId = 7252, EventName = "WebBotAuthEnabled", Level = LogLevel.Information,
        Message = "Scheme {Scheme}: Web Bot Auth is on (Signature-Agent key directories from {Origins}; signatures cover @authority, lifetime at most {MaxValidity}).")]
    public static partial void Enabled(ILogger logger, string scheme, string origins, TimeSpan maxValidity);
}
