using System.ComponentModel;
using AgentAuth.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentAuth.Samples.McpServer;

// snippet: mcp-tools
/// <summary>Three tools, three rules: any authenticated agent; read:data:{id} per record; write:data:{id} per record.</summary>
[McpServerToolType]
public sealed class RecordTools
{
    /// <summary>Who is calling: any authenticated agent.</summary>
    [McpServerTool(Name = "whoami"), Description("Who the calling agent is.")]
    public static string WhoAmI(RequestContext<CallToolRequestParams> context) =>
        context.User?.FindFirst("sub")?.Value ?? "unknown";

    /// <summary>One record: needs read:data:{id} for the id argument (read:data:2 reads record 2; read:data:* all).</summary>
    [McpServerTool(Name = "get_record"), Description("Reads one record."), RequireScope("read:data:{id}")]
    public static string GetRecord(string id) => "record " + id;

    /// <summary>Deletes one record: needs write:data:{id}.</summary>
    [McpServerTool(Name = "delete_record"), Description("Deletes one record."), RequireScope("write:data:{id}")]
    public static string DeleteRecord(string id) => "deleted record " + id;
}
// end-snippet
