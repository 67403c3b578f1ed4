namespace AgentAuth.AspNetCore.Mcp;

/// <summary>
/// The authorization resource of a <c>tools/call</c>, <c>prompts/get</c> or <c>resources/read</c> checked on the HTTP
/// request, before the MCP server dispatches it: the request and the arguments placeholders resolve from.
/// </summary>
internal sealed class McpPrimitiveCall(Microsoft.AspNetCore.Http.HttpContext httpContext, IReadOnlyDictionary<string, object?> arguments)
{
    public Microsoft.AspNetCore.Http.HttpContext HttpContext { get; } = httpContext;

    public IReadOnlyDictionary<string, object?> Arguments { get; } = arguments;
}
