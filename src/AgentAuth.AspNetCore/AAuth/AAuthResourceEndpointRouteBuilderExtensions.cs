using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the AAuth resource metadata and JWKS endpoints.</summary>
public static class AAuthResourceEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the AAuth resource metadata (<c>/.well-known/aauth-resource.json</c>, draft-hardt-oauth-aauth-protocol "Resource
    /// Metadata") and, when a signing key is configured, the resource's JWKS at <see cref="AAuthResourceOptions.JwksPath"/> (its
    /// <c>jwks_uri</c>; the current key, then the previous keys). Both are <c>application/json</c>, cacheable, allow anonymous access,
    /// and are built once from the options of <paramref name="authenticationScheme"/>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="authenticationScheme">The AgentAuth scheme whose <see cref="AAuthOptions.Resource"/> is served. Default <c>AgentAuth</c>.</param>
    /// <returns>A builder that applies conventions to every mapped endpoint.</returns>
    /// <exception cref="InvalidOperationException"><see cref="AAuthResourceOptions.Enabled"/> is off for the scheme.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static IEndpointConventionBuilder MapAAuthResourceMetadata(this IEndpointRouteBuilder endpoints, string authenticationScheme = AgentAuthDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(authenticationScheme);
        var monitor = endpoints.ServiceProvider.GetRequiredService<IOptionsMonitor<AgentAuthOptions>>();
        var resource = monitor.Get(authenticationScheme).Runtime?.AAuthResource
            ?? throw new InvalidOperationException("Set AgentAuthOptions.AAuth.Resource.Enabled = true (and Issuer) for the scheme '" + authenticationScheme + "' before MapAAuthResourceMetadata().");

        // The documents are read from the options on each request, so a reloaded configuration serves its own keys.
        RequestDelegate metadata = context => WriteAsync(context, monitor.Get(authenticationScheme).Runtime?.AAuthResource, static r => r.MetadataJson);
        var builders = new List<IEndpointConventionBuilder>(2)
        {
            endpoints.MapGet(AAuthResource.MetadataPath, metadata),
        };
        if (resource.JwksJson is not null)
        {
            RequestDelegate jwks = context => WriteAsync(context, monitor.Get(authenticationScheme).Runtime?.AAuthResource, static r => r.JwksJson);
            builders.Add(endpoints.MapGet(resource.JwksPath, jwks));
        }
        var composite = new CompositeEndpointConventionBuilder(builders);
        composite.AllowAnonymous();
        composite.WithDisplayName("AgentAuth AAuth resource metadata");
        return composite;
    }

    private static Task WriteAsync(HttpContext context, AAuthResource? resource, Func<AAuthResource, byte[]?> select)
    {
        var response = context.Response;
        if (resource is null || select(resource) is not { } body)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers.CacheControl = resource.CacheControl;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
