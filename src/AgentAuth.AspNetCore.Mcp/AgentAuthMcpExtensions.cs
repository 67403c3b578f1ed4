using AgentAuth.AspNetCore;
using AgentAuth.AspNetCore.Mcp;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers AgentAuth scope authorization for an MCP server's tools, prompts and resources.</summary>
    public static class AgentAuthMcpServerBuilderExtensions
    {
        /// <summary>
        /// Makes <see cref="RequireScopeAttribute"/> on MCP tool, prompt and resource methods (and their classes) work:
        /// adds the SDK's authorization filters (<c>AddAuthorizationFilters</c>), which evaluate it on every call and hide
        /// from <c>tools/list</c>, <c>prompts/list</c> and <c>resources/list</c> what the caller's scopes do not allow;
        /// resolves <c>{name}</c> placeholders from the call's argument of that name; and lists the required scopes in the
        /// RFC 9728 metadata (<c>AddAgentAuthResourceMetadata</c>). Map the endpoint with
        /// <c>app.MapMcp().RequireAgentAuth()</c> so a forbidden call is also an HTTP 403 <c>insufficient_scope</c>.
        /// </summary>
        /// <param name="builder">The MCP server builder.</param>
        /// <returns>The builder.</returns>
        public static IMcpServerBuilder WithAgentAuth(this IMcpServerBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.AddAuthorizationFilters();
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IScopePlaceholderSource, McpScopePlaceholderSource>());
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AgentAuthResourceMetadataOptions>, McpResourceMetadataScopes>());
            builder.Services.TryAddSingleton<McpScopePrecheck>();
            return builder;
        }
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>Protects a mapped MCP endpoint (<c>MapMcp()</c>) with AgentAuth.</summary>
    public static class AgentAuthMcpEndpointConventionBuilderExtensions
    {
        /// <summary>
        /// Requires an authenticated caller of the AgentAuth scheme on every MCP request (streamable HTTP POST, the SSE GET,
        /// DELETE; a missing or invalid credential gets the scheme's 401, with <c>resource_metadata</c> when the RFC 9728
        /// metadata is enabled and <c>scope="…"</c> naming the scopes the server's tools, prompts and resources require), and answers a <c>tools/call</c>, <c>prompts/get</c> or <c>resources/read</c> that the
        /// caller's scopes do not allow with HTTP 403 <c>insufficient_scope</c> naming the scopes (step-up) and the SDK's
        /// JSON-RPC error, before the MCP server dispatches it. Needs <c>WithAgentAuth()</c> on the MCP server builder.
        /// </summary>
        /// <typeparam name="TBuilder">The endpoint convention builder <c>MapMcp()</c> returned.</typeparam>
        /// <param name="builder">The MCP endpoints.</param>
        /// <param name="authenticationScheme">The AgentAuth scheme's name; default <see cref="AgentAuthDefaults.AuthenticationScheme"/>.</param>
        /// <returns>The builder.</returns>
        public static TBuilder RequireAgentAuth<TBuilder>(this TBuilder builder, string authenticationScheme = AgentAuthDefaults.AuthenticationScheme)
            where TBuilder : IEndpointConventionBuilder
        {
            ArgumentNullException.ThrowIfNull(builder);
            ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
            builder.RequireAuthorization(new AuthorizationPolicyBuilder(authenticationScheme).RequireAuthenticatedUser().Build());
            // The 401 names the scopes the server's primitives require (RFC 6750 §3; MCP scope selection).
            builder.WithMetadata(new McpChallengeScopes());
            // Finally: the SDK maps route handlers, whose RequestDelegate is only built after the ordinary conventions ran.
            builder.Finally(endpoint =>
            {
                if (endpoint.RequestDelegate is not { } inner)
                {
                    return;
                }
                McpScopePrecheck? precheck = null;
                endpoint.RequestDelegate = context =>
                {
                    precheck ??= (McpScopePrecheck?)context.RequestServices.GetService(typeof(McpScopePrecheck))
                        ?? throw new InvalidOperationException("RequireAgentAuth() needs services.AddMcpServer()...WithAgentAuth() to be called.");
                    return precheck.InvokeAsync(context, inner);
                };
            });
            return builder;
        }
    }
}
