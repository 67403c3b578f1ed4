using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Mcp;

/// <summary>Log messages of the MCP integration (event ids 7280-7289).</summary>
internal static partial class McpLog
{
    [LoggerMessage(7280, LogLevel.Information, "MCP {Method} '{Name}' forbidden: insufficient scope; required '{RequiredScopes}'. Answered 403 with the insufficient_scope challenge.", EventName = "McpCallForbidden")]
    public static partial void CallForbidden(this ILogger logger, string method, string name, string requiredScopes);

    [LoggerMessage(7281, LogLevel.Debug, "MCP request body not inspected before dispatch ({Reason}); the MCP server's authorization filters still decide.", EventName = "McpBodyNotInspected")]
    public static partial void BodyNotInspected(this ILogger logger, string reason);
}
