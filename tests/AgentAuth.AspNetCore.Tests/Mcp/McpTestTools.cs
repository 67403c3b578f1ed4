using System.ComponentModel;
using ModelContextProtocol.Server;

namespace AgentAuth.AspNetCore.Tests.Mcp;

/// <summary>Tools under different scopes: none (any authenticated agent), a placeholder taken from the argument, an exact-match scope.</summary>
[McpServerToolType]
public sealed class McpTestTools
{
    [McpServerTool(Name = "echo"), Description("Echoes the text.")]
    public static string Echo(string text) => "echo:" + text;

    [McpServerTool(Name = "get_record"), Description("Reads one record."), RequireScope("read:data:{id}")]
    public static string GetRecord(string id) => "record:" + id;

    [McpServerTool(Name = "delete_record"), Description("Deletes one record."), RequireScope("records.delete")]
    public static string DeleteRecord(string id) => "deleted:" + id;
}

/// <summary>A prompt under a placeholder scope.</summary>
[McpServerPromptType]
public sealed class McpTestPrompts
{
    [McpServerPrompt(Name = "summarize_record"), Description("Summarize one record."), RequireScope("read:data:{id}")]
    public static string Summarize(string id) => "Summarize record " + id;
}
