// The sample MCP server: three tools under different scopes, protected by AgentAuth. See docs/getting-started.md#mcp-server.
AgentAuth.Samples.McpServer.McpServerApp.Build(args).Run();
