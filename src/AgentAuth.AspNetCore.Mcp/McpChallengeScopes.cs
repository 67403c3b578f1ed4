using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace AgentAuth.AspNetCore.Mcp;

/// <summary>
/// Metadata of an endpoint mapped with <c>RequireAgentAuth()</c>: the scopes the 401 challenge names (RFC 6750 §3, MCP
/// scope selection), the same list as the RFC 9728 document's <c>scopes_supported</c> (<see cref="McpResourceMetadataScopes"/>):
/// every scope the server's tools, prompts and resources require, a placeholder pattern as <c>action:resource:*</c>.
/// Computed once, on the first challenge, as the metadata document is.
/// </summary>
internal sealed class McpChallengeScopes : IScopeChallengeMetadata
{
    private IReadOnlyList<string>? _scopes;

    public IReadOnlyList<string> GetChallengeScopes(IServiceProvider services) =>
        _scopes ??= services.GetService<IOptions<McpServerOptions>>() is { } options
            ? McpResourceMetadataScopes.RequiredScopes(options.Value)
            : [];
}
