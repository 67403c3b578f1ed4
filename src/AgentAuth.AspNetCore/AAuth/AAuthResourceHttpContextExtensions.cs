using AgentAuth.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Http;

/// <summary>Resource tokens for an application's own AAuth <c>authorization_endpoint</c>.</summary>
public static class AAuthResourceHttpContextExtensions
{
    /// <summary>
    /// Mints a resource token (<c>aa-resource+jwt</c>) for the person token this request authenticated with, as an AAuth
    /// <c>authorization_endpoint</c> returns it (<c>{"resource_token": "…"}</c>, draft-hardt-oauth-aauth-protocol "Response with
    /// Resource Token"), signed with <see cref="AAuthResourceOptions.SigningKey"/> and carrying the same claims as the tokens
    /// of the scheme's 403 challenges. Validate <paramref name="scope"/> against the scopes your metadata describes first.
    /// </summary>
    /// <param name="context">The request, authenticated by the AgentAuth scheme with an AAuth person token.</param>
    /// <param name="scope">The space-separated scopes the resource is willing to grant.</param>
    /// <param name="authenticationScheme">The AgentAuth scheme acting as the resource. Default <c>AgentAuth</c>.</param>
    /// <returns>
    /// The compact JWS, or <see langword="null"/> when the request did not prove a person token (answer
    /// <c>401</c> with <c>AAuth-Requirement: requirement=person-token</c>, as the draft requires), or the scheme is not an AAuth
    /// resource with a signing key.
    /// </returns>
    public static string? CreateAAuthResourceToken(this HttpContext context, string scope, string authenticationScheme = AgentAuthDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentNullException.ThrowIfNull(authenticationScheme);
        var resource = context.RequestServices.GetService<IOptionsMonitor<AgentAuthOptions>>()?.Get(authenticationScheme).Runtime?.AAuthResource;
        if (resource is null)
        {
            return null;
        }
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger<AAuthResource>()
            ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        return resource.TryMintFor(context.User, scope, logger);
    }
}
