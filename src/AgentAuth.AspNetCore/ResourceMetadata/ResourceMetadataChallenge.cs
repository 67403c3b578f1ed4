using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore;

/// <summary>The <c>resource_metadata</c> challenge parameter (RFC 9728 §5.1) for AgentAuth 401 and 403 responses.</summary>
internal static class ResourceMetadataChallenge
{
    /// <summary>The parameter name in <c>WWW-Authenticate</c>.</summary>
    internal const string ParameterName = "resource_metadata";

    /// <summary>
    /// The protected resource metadata URL to put in a challenge, or <see langword="null"/> when the application did not
    /// opt in with <c>AddAgentAuthResourceMetadata</c> or turned <see cref="AgentAuthResourceMetadataOptions.IncludeInChallenges"/> off.
    /// The value was validated at startup and contains no <c>"</c> or <c>\</c>, so it can be written as a quoted-string as is.
    /// </summary>
    internal static string? GetResourceMetadataUrl(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetService<ResourceMetadataDocument>() is { IncludeInChallenges: true } document
            ? document.MetadataUrl
            : null;
    }
}
