using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentAuth.AspNetCore.Mcp;

/// <summary>
/// Runs on the MCP endpoint's POST before the SDK dispatches the message: for a <c>tools/call</c>, <c>prompts/get</c> or
/// <c>resources/read</c> of a primitive with authorization metadata, it evaluates the same policy the SDK's authorization
/// filter evaluates (same combination of attributes, same handlers, placeholders from the same arguments). When an
/// AgentAuth caller lacks a scope, it answers HTTP 403 with the <c>insufficient_scope</c> challenge (MCP step-up: the
/// streamable HTTP transport has sent its 200 headers by the time the SDK's filter runs) and the JSON-RPC error the SDK
/// uses for a forbidden call. Anything else, including a body it cannot read, goes to the SDK unchanged, whose
/// authorization filter still decides.
/// </summary>
internal sealed class McpScopePrecheck(
    IOptions<McpServerOptions> mcpOptions,
    IAuthorizationPolicyProvider policyProvider,
    IAuthorizationService authorization,
    ILogger<McpScopePrecheck> logger)
{
    /// <summary>Bodies larger than this are left to the SDK's filter (which still refuses the call, with a 200).</summary>
    internal const int MaxInspectedBody = 1024 * 1024;

    private static readonly JsonDocumentOptions s_jsonOptions = new() { MaxDepth = 64 };

    private readonly ConcurrentDictionary<IMcpServerPrimitive, AuthorizationPolicy?> _policies = new(ReferenceEqualityComparer.Instance);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !HasAgentAuthIdentity(context))
        {
            await next(context);
            return;
        }
        if (context.Request.ContentLength is > MaxInspectedBody)
        {
            logger.BodyNotInspected("body larger than 1 MiB");
            await next(context);
            return;
        }

        context.Request.EnableBuffering(MaxInspectedBody);
        JsonDocument? document = null;
        try
        {
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, s_jsonOptions, context.RequestAborted);
            }
            catch (JsonException)
            {
                logger.BodyNotInspected("not a JSON document");
            }
            catch (IOException)
            {
                logger.BodyNotInspected("body unreadable or too large");
            }
            finally
            {
                context.Request.Body.Position = 0;
            }
            if (document is not null && TryFindCall(document.RootElement, out var call)
                && await TryForbidAsync(context, call))
            {
                return;
            }
        }
        finally
        {
            document?.Dispose();
        }
        await next(context);
    }

    /// <summary>Whether the request carries an authenticated AgentAuth identity (only those get the step-up 403).</summary>
    private static bool HasAgentAuthIdentity(HttpContext context)
    {
        foreach (var identity in context.User.Identities)
        {
            if (identity.IsAuthenticated && string.Equals(identity.AuthenticationType, AgentAuthDefaults.AuthenticationScheme, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private async Task<bool> TryForbidAsync(HttpContext context, Call call)
    {
        var primitive = FindPrimitive(call);
        if (primitive is null || !HasAuthorizationMetadata(primitive))
        {
            return false;
        }
        if (primitive is McpServerResource resourcePrimitive)
        {
            // A resource read's placeholders take the URI template variables of the resource the SDK dispatches to.
            call = call with { Arguments = McpResourceTemplates.Variables(resourcePrimitive, call.Name) };
        }
        var policy = await GetPolicyAsync(primitive);
        if (policy is null)
        {
            return false;
        }
        var resource = new McpPrimitiveCall(context, call.Arguments);
        var result = await authorization.AuthorizeAsync(context.User, resource, policy);
        if (!AgentAuthScopeChallenge.TrySetInsufficientScope(context, policy, result, resource, out var scopes))
        {
            return false;
        }
        logger.CallForbidden(call.Method, call.Name, scopes);
        context.Response.ContentType = "application/json";
        await WriteForbiddenErrorAsync(context.Response.Body, call, context.RequestAborted);
        return true;
    }

    private IMcpServerPrimitive? FindPrimitive(Call call)
    {
        var options = mcpOptions.Value;
        switch (call.Method)
        {
            case RequestMethods.ToolsCall when options.ToolCollection?.TryGetPrimitive(call.Name, out var tool) == true:
                return tool;
            case RequestMethods.PromptsGet when options.PromptCollection?.TryGetPrimitive(call.Name, out var prompt) == true:
                return prompt;
            case RequestMethods.ResourcesRead:
                // Templated resources too: the SDK falls back to the first resource whose template matches the URI.
                return McpResourceTemplates.Find(options.ResourceCollection, call.Name);
            default:
                return null;
        }
    }

    /// <summary>As the SDK's authorization filter decides: an <see cref="IAllowAnonymous"/> anywhere opts out.</summary>
    internal static bool HasAuthorizationMetadata(IMcpServerPrimitive primitive)
    {
        var found = false;
        foreach (var item in primitive.Metadata)
        {
            if (item is IAllowAnonymous)
            {
                return false;
            }
            found |= item is IAuthorizeData or AuthorizationPolicy or IAuthorizationRequirementData;
        }
        return found;
    }

    private async ValueTask<AuthorizationPolicy?> GetPolicyAsync(IMcpServerPrimitive primitive)
    {
        if (_policies.TryGetValue(primitive, out var cached))
        {
            return cached;
        }
        var policy = await CombineAsync(policyProvider, primitive.Metadata);
        _policies.TryAdd(primitive, policy);
        return policy;
    }

    /// <summary>
    /// The policy of a primitive's metadata, combined as the SDK's authorization filter (and ASP.NET Core's authorization
    /// middleware) combine endpoint metadata: <see cref="IAuthorizeData"/>, <see cref="AuthorizationPolicy"/> and
    /// <see cref="IAuthorizationRequirementData"/> (which is how <see cref="RequireScopeAttribute"/> contributes its requirement).
    /// </summary>
    internal static async Task<AuthorizationPolicy?> CombineAsync(IAuthorizationPolicyProvider provider, IReadOnlyList<object> metadata)
    {
        var authorizeData = new List<IAuthorizeData>();
        var policies = new List<AuthorizationPolicy>();
        AuthorizationPolicyBuilder? requirements = null;
        foreach (var item in metadata)
        {
            if (item is IAuthorizeData data)
            {
                authorizeData.Add(data);
            }
            if (item is AuthorizationPolicy policy)
            {
                policies.Add(policy);
            }
            if (item is IAuthorizationRequirementData requirementData)
            {
                requirements ??= new AuthorizationPolicyBuilder();
                foreach (var requirement in requirementData.GetRequirements())
                {
                    requirements.AddRequirements(requirement);
                }
            }
        }
        var combined = await AuthorizationPolicy.CombineAsync(provider, authorizeData, policies);
        if (requirements is null)
        {
            return combined;
        }
        return combined is null ? requirements.Build() : AuthorizationPolicy.Combine(combined, requirements.Build());
    }

    /// <summary>A JSON-RPC request for one primitive, read from untrusted input without throwing.</summary>
    private static bool TryFindCall(JsonElement root, out Call call)
    {
        call = default;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)
            || !root.TryGetProperty("params", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        var method = methodElement.GetString();
        var nameProperty = method switch
        {
            RequestMethods.ToolsCall or RequestMethods.PromptsGet => "name",
            RequestMethods.ResourcesRead => "uri",
            _ => null,
        };
        if (nameProperty is null || !parameters.TryGetProperty(nameProperty, out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        // A resource read has no "arguments": its placeholder values are its URI template variables (set once it is found).
        var arguments = method != RequestMethods.ResourcesRead && parameters.TryGetProperty("arguments", out var args)
            ? McpArguments.ToPlaceholderValues(args)
            : McpArguments.None;
        call = new Call(method!, nameElement.GetString()!, id.Clone(), arguments);
        return true;
    }

    /// <summary>The JSON-RPC error the SDK's authorization filter answers a forbidden call with (-32600, its message).</summary>
    private static async Task WriteForbiddenErrorAsync(Stream body, Call call, CancellationToken cancellationToken)
    {
        var kind = call.Method switch
        {
            RequestMethods.PromptsGet => "prompt",
            RequestMethods.ResourcesRead => "resource",
            _ => "tool",
        };
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        call.Id.WriteTo(writer);
        writer.WriteStartObject("error");
        writer.WriteNumber("code", (int)McpErrorCode.InvalidRequest);
        writer.WriteString("message", $"Access forbidden: This {kind} requires authorization.");
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private readonly record struct Call(string Method, string Name, JsonElement Id, IReadOnlyDictionary<string, object?> Arguments);
}
