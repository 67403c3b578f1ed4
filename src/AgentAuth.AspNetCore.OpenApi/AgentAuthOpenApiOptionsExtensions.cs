using AgentAuth.AspNetCore.OpenApi;

namespace Microsoft.AspNetCore.OpenApi;

/// <summary>Adds the AgentAuth security schemes and per-operation scopes to an OpenAPI document.</summary>
public static class AgentAuthOpenApiOptionsExtensions
{
    /// <summary>
    /// Declares the AgentAuth security schemes (<see cref="AgentAuthOpenApiSchemes"/>: HTTP message signatures, DPoP when
    /// token issuers are configured, bearer when <c>AllowBearerTokens</c> is on) and, on each operation that requires
    /// AgentAuth, the security requirements with the scopes of its <c>RequireScope</c> / <c>[RequireScope]</c>
    /// (placeholders such as <c>{id}</c> kept as written): <c>builder.Services.AddOpenApi(o => o.AddAgentAuth());</c>
    /// </summary>
    /// <param name="options">The OpenAPI document options.</param>
    /// <returns>The options.</returns>
    public static OpenApiOptions AddAgentAuth(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transformer = new AgentAuthOpenApiTransformer();
        options.AddDocumentTransformer(transformer);
        options.AddOperationTransformer(transformer);
        return options;
    }
}
