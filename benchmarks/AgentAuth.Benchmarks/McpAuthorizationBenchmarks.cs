using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AgentAuth.AspNetCore;
using AgentAuth.AspNetCore.Mcp;
using AgentAuth.Benchmarks.Infrastructure;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace AgentAuth.Benchmarks;

/// <summary>
/// Issue 20: what authorizing one MCP tool call costs next to a minimal-API endpoint with the same scope
/// (<c>read:data:{id}</c>, granted <c>read:data:2</c>, id 2), on an already authenticated AgentAuth principal:
/// <list type="bullet">
/// <item><c>MinimalApiEndpoint</c>: what the authorization middleware does per request (the endpoint's policy, route value).</item>
/// <item><c>McpToolCallSdkFilter</c>: what the SDK's authorization filter does per call (combine the tool's metadata into
/// a policy, then authorize with the call's arguments as placeholder values).</item>
/// <item><c>McpToolCallBeforeDispatch</c>: what <c>RequireAgentAuth()</c> adds on the HTTP request (read the JSON-RPC body,
/// find the tool, authorize with its cached policy); an MCP call pays it and the SDK filter.</item>
/// </list>
/// Authentication is not included (see <c>AuthenticationBenchmarks</c>). Each row returns whether it was authorized.
/// </summary>
[MemoryDiagnoser]
public class McpAuthorizationBenchmarks
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_record","arguments":{"id":"2"}}}""");

    private ServiceProvider _services = null!;
    private IAuthorizationService _authorization = null!;
    private IAuthorizationPolicyProvider _policyProvider = null!;
    private McpScopePrecheck _precheck = null!;
    private McpServerTool _tool = null!;
    private AuthorizationPolicy _endpointPolicy = null!;
    private ClaimsPrincipal _user = null!;
    private DefaultHttpContext _endpointContext = null!;
    private Dictionary<string, JsonElement> _arguments = null!;
    private DefaultHttpContext _mcpContext = null!;
    private MemoryStream _mcpBody = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _tool = McpServerTool.Create(typeof(McpAuthorizationBenchmarks).GetMethod(nameof(GetRecord))!, target: null, new McpServerToolCreateOptions());
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddAgentAuthScopeAuthorization();
        services.AddMcpServer().WithAgentAuth();
        services.Configure<McpServerOptions>(o => o.ToolCollection = [_tool]);
        _services = services.BuildServiceProvider();
        _authorization = _services.GetRequiredService<IAuthorizationService>();
        _policyProvider = _services.GetRequiredService<IAuthorizationPolicyProvider>();
        _precheck = new McpScopePrecheck(_services.GetRequiredService<IOptions<McpServerOptions>>(), _policyProvider, _authorization,
            _services.GetRequiredService<ILogger<McpScopePrecheck>>());

        var identity = new ClaimsIdentity(AgentAuthDefaults.AuthenticationScheme, AgentAuthClaimTypes.Subject, "roles");
        identity.AddClaim(new Claim(AgentAuthClaimTypes.Subject, "agent-1"));
        identity.AddClaim(new Claim(AgentAuthClaimTypes.Scope, "read:data:2"));
        identity.AddClaim(new Claim(AgentAuthClaimTypes.AuthenticationMode, AgentAuthenticationModes.HttpSignatureWithToken));
        _user = new ClaimsPrincipal(identity);

        // The endpoint's policy as [RequireScope] builds it (the middleware caches it per endpoint).
        _endpointPolicy = (await McpScopePrecheck.CombineAsync(_policyProvider, [new RequireScopeAttribute("read:data:{id}")]))!;
        _endpointContext = new DefaultHttpContext { RequestServices = _services, User = _user };
        _endpointContext.Request.RouteValues["id"] = "2";

        using (var document = JsonDocument.Parse("""{"id":"2"}"""))
        {
            _arguments = new Dictionary<string, JsonElement> { ["id"] = document.RootElement.GetProperty("id").Clone() };
        }
        _mcpBody = new MemoryStream();
        _mcpContext = new DefaultHttpContext { RequestServices = _services, User = _user };
        _mcpContext.Request.Method = HttpMethods.Post;
        _mcpContext.Request.ContentType = "application/json";

        if (!await MinimalApiEndpoint() || !await McpToolCallSdkFilter() || !await McpToolCallBeforeDispatch() || !await McpToolCallWithRequireAgentAuth())
        {
            throw new InvalidOperationException("A scenario was not authorized.");
        }
    }

    /// <summary>
    /// The paired rows of the <c>ratios</c> mode (and of <c>ratios-mcp</c> alone): each MCP side interleaved with the
    /// minimal-API endpoint's authorization (ABBA rounds, median of per-round ratios, thread CPU time; see
    /// <see cref="PairedRatios"/>). Table rows only, without a header, so they append to the <c>ratios</c> table.
    /// </summary>
    /// <returns>The rows.</returns>
    public async Task<string> ReportRatioRowsAsync()
    {
        Task Endpoint() => MinimalApiEndpoint();
        Task SdkFilter() => McpToolCallSdkFilter();
        Task BeforeDispatch() => McpToolCallBeforeDispatch();
        Task WholeCall() => McpToolCallWithRequireAgentAuth();
        var text = new StringBuilder();
        text.AppendLine(PairedRatios.Format("minimal-API endpoint authorization / itself (noise)", "1.000", await PairedRatios.MeasureAsync(Endpoint, Endpoint)));
        text.AppendLine(PairedRatios.Format("MCP tool call authorization with RequireAgentAuth (before dispatch + SDK filter) / minimal-API endpoint authorization", "-", await PairedRatios.MeasureAsync(WholeCall, Endpoint)));
        text.AppendLine(PairedRatios.Format("MCP tool call, SDK filter only / minimal-API endpoint authorization", "-", await PairedRatios.MeasureAsync(SdkFilter, Endpoint)));
        text.AppendLine(PairedRatios.Format("MCP tool call, before dispatch only / minimal-API endpoint authorization", "-", await PairedRatios.MeasureAsync(BeforeDispatch, Endpoint)));
        return text.ToString();
    }

    /// <summary>What an MCP tool call mapped with <c>RequireAgentAuth()</c> pays: the check before dispatch, then the SDK's filter.</summary>
    /// <returns>Whether both authorized the call.</returns>
    public async Task<bool> McpToolCallWithRequireAgentAuth() => await McpToolCallBeforeDispatch() && await McpToolCallSdkFilter();

    [GlobalCleanup]
    public void Cleanup()
    {
        _mcpBody.Dispose();
        _services.Dispose();
    }

    /// <summary>The benchmarked tool: <c>read:data:{id}</c> from its <c>id</c> argument.</summary>
    /// <param name="id">The record.</param>
    /// <returns>The record.</returns>
    [McpServerTool(Name = "get_record"), RequireScope("read:data:{id}")]
    public static string GetRecord(string id) => "record " + id;

    [Benchmark(Baseline = true, Description = "minimal API endpoint: [RequireScope(\"read:data:{id}\")], route value")]
    public async Task<bool> MinimalApiEndpoint() =>
        (await _authorization.AuthorizeAsync(_user, _endpointContext, _endpointPolicy)).Succeeded;

    [Benchmark(Description = "MCP tool call, SDK filter: combine metadata + authorize with the arguments")]
    public async Task<bool> McpToolCallSdkFilter()
    {
        var policy = await McpScopePrecheck.CombineAsync(_policyProvider, _tool.Metadata);
        var resource = new McpPrimitiveCall(_mcpContext, McpArguments.ToPlaceholderValues(_arguments));
        return (await _authorization.AuthorizeAsync(_user, resource, policy!)).Succeeded;
    }

    [Benchmark(Description = "MCP tool call, RequireAgentAuth before dispatch: parse JSON-RPC body + authorize")]
    public async Task<bool> McpToolCallBeforeDispatch()
    {
        _mcpBody.SetLength(0);
        _mcpBody.Write(s_body);
        _mcpBody.Position = 0;
        _mcpContext.Request.Body = _mcpBody;
        _mcpContext.Request.ContentLength = s_body.Length;
        var dispatched = false;
        await _precheck.InvokeAsync(_mcpContext, _ =>
        {
            dispatched = true;
            return Task.CompletedTask;
        });
        return dispatched;
    }
}
