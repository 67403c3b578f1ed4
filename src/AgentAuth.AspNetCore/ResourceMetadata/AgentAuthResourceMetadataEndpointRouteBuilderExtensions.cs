using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the RFC 9728 protected resource metadata endpoint.</summary>
public static class AgentAuthResourceMetadataEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the protected resource metadata document (<c>application/json</c>, cacheable) at
    /// <c>/.well-known/oauth-protected-resource</c> and, when the resource identifier has a path, at the RFC 9728
    /// path-inserted location (<c>/.well-known/oauth-protected-resource/mcp</c> for <c>https://host/mcp</c>).
    /// The endpoints allow anonymous access; add CORS with the returned builder if browser clients need it.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder that applies conventions to every mapped metadata endpoint.</returns>
    /// <exception cref="InvalidOperationException"><c>AddAgentAuthResourceMetadata</c> was not called.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static IEndpointConventionBuilder MapAgentAuthResourceMetadata(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var document = endpoints.ServiceProvider.GetService<ResourceMetadataDocument>()
            ?? throw new InvalidOperationException("Call services.AddAgentAuthResourceMetadata(options => options.Resource = \"https://…\") before MapAgentAuthResourceMetadata().");
        RequestDelegate handler = context =>
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.Headers.CacheControl = document.CacheControl;
            response.ContentLength = document.Json.Length;
            return response.Body.WriteAsync(document.Json, context.RequestAborted).AsTask();
        };
        var builders = new List<IEndpointConventionBuilder>(2)
        {
            endpoints.MapGet(ResourceMetadataDocument.WellKnownPath, handler),
        };
        if (document.PathInsertedPath is { } pathInserted)
        {
            builders.Add(endpoints.MapGet(pathInserted, handler));
        }
        var composite = new CompositeEndpointConventionBuilder(builders);
        composite.AllowAnonymous();
        composite.WithDisplayName("AgentAuth protected resource metadata");
        return composite;
    }
}
