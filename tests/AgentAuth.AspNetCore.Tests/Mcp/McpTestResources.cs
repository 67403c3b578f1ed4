using System.ComponentModel;
using ModelContextProtocol.Server;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>Resources: one read by URI template under a placeholder scope taken from the template variable, one fixed.</summary>
[McpServerResourceType]
public sealed class McpTestResources
{
    [McpServerResource(UriTemplate = "files://docs/{name}", Name = "file"), Description("One file."), RequireScope("read:files:{name}")]
    public static string File(string name) => "file:" + name;

    [McpServerResource(UriTemplate = "config://app", Name = "config"), Description("The configuration."), RequireScope("config.read")]
    public static string Config() => "config";
}
