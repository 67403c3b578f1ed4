using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentAuth.AspNetCore.Mcp;

/// <summary>
/// Resolves <c>{name}</c> scope placeholders of MCP primitives: from the tool's or prompt's arguments, or a resource's URI template variables, on a call (the
/// resource the SDK's authorization filters pass, or the HTTP pre-check's <see cref="McpPrimitiveCall"/>), and as "any
/// value" on a listing, so <c>tools/list</c> shows a tool to a caller holding a scope of its action and resource.
/// </summary>
internal sealed class McpScopePlaceholderSource : IScopePlaceholderSource
{
    public bool TryGetValues(object resource, out IReadOnlyDictionary<string, object?>? values)
    {
        switch (resource)
        {
            case McpPrimitiveCall call:
                values = call.Arguments;
                return true;
            case RequestContext<CallToolRequestParams> toolCall:
                values = McpArguments.ToPlaceholderValues(toolCall.Params?.Arguments);
                return true;
            case RequestContext<GetPromptRequestParams> promptGet:
                values = McpArguments.ToPlaceholderValues(promptGet.Params?.Arguments);
                return true;
            case RequestContext<ReadResourceRequestParams> resourceRead:
                // The URI template variables of the resource the SDK matched; none (so placeholders fail closed) otherwise.
                values = resourceRead.MatchedPrimitive is McpServerResource matched && resourceRead.Params?.Uri is { } uri
                    ? McpResourceTemplates.Variables(matched, uri)
                    : McpArguments.None;
                return true;
            case MessageContext { JsonRpcMessage: JsonRpcRequest request } when IsListing(request.Method):
                values = null;
                return true;
            default:
                values = null;
                return false;
        }
    }

    private static bool IsListing(string method) =>
        method is RequestMethods.ToolsList or RequestMethods.PromptsList or RequestMethods.ResourcesList or RequestMethods.ResourcesTemplatesList;
}
