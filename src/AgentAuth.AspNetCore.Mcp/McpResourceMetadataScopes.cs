using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace AgentAuth.AspNetCore.Mcp;

/// <summary>
/// Adds the scopes the server's tools, prompts and resources require to the RFC 9728 metadata's <c>scopes_supported</c>,
/// so an MCP client that follows the 401's <c>resource_metadata</c> learns what to ask the broker for. A placeholder
/// pattern (<c>read:data:{id}</c>) is listed as its action and resource with the identifier <c>*</c> (<c>read:data:*</c>).
/// </summary>
internal sealed class McpResourceMetadataScopes(IOptions<McpServerOptions> mcpOptions) : IPostConfigureOptions<AgentAuthResourceMetadataOptions>
{
    public void PostConfigure(string? name, AgentAuthResourceMetadataOptions options)
    {
        var server = mcpOptions.Value;
        foreach (var scope in RequiredScopes(server))
        {
            if (!options.ScopesSupported.Contains(scope))
            {
                options.ScopesSupported.Add(scope);
            }
        }
    }

    internal static List<string> RequiredScopes(McpServerOptions server)
    {
        var scopes = new List<string>();
        if (server.ToolCollection is { } tools)
        {
            foreach (var tool in tools)
            {
                Add(scopes, tool.Metadata);
            }
        }
        if (server.PromptCollection is { } prompts)
        {
            foreach (var prompt in prompts)
            {
                Add(scopes, prompt.Metadata);
            }
        }
        if (server.ResourceCollection is { } resources)
        {
            foreach (var resource in resources)
            {
                Add(scopes, resource.Metadata);
            }
        }
        return scopes;
    }

    private static void Add(List<string> scopes, IReadOnlyList<object> metadata)
    {
        foreach (var item in metadata)
        {
            if (item is not IAuthorizationRequirementData data)
            {
                continue;
            }
            foreach (var requirement in data.GetRequirements())
            {
                if (requirement is not ScopeRequirement scopeRequirement)
                {
                    continue;
                }
                foreach (var pattern in scopeRequirement.Scopes)
                {
                    var scope = Supported(pattern);
                    if (!scopes.Contains(scope, StringComparer.Ordinal))
                    {
                        scopes.Add(scope);
                    }
                }
            }
        }
    }

    /// <summary>A placeholder can only be in the identifier of a three-part pattern: list it as <c>action:resource:*</c>.</summary>
    internal static string Supported(string pattern)
    {
        if (pattern.AsSpan().IndexOf('{') < 0)
        {
            return pattern;
        }
        var first = pattern.IndexOf(':', StringComparison.Ordinal);
        var second = pattern.IndexOf(':', first + 1);
        return string.Concat(pattern.AsSpan(0, second + 1), Scope.Wildcard);
    }
}
