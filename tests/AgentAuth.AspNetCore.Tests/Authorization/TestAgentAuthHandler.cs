using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>
/// Stands in for the real AgentAuth scheme, registered under the scheme name <c>AgentAuth</c>: a request with
/// <see cref="ScopesHeader"/> is authenticated with one <c>scope</c> claim per space-separated value and the
/// <c>auth_method</c> from <see cref="AuthMethodHeader"/> (default <c>httpsig+jwt</c>).
/// </summary>
internal sealed class TestAgentAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string ScopesHeader = "X-Test-Scopes";

    /// <summary>The <see cref="ScopesHeader"/> value of an authenticated caller with no scopes (an empty header is not sent).</summary>
    public const string NoScopes = "(none)";
    public const string AuthMethodHeader = "X-Test-Auth-Method";
    public const string RolesHeader = "X-Test-Roles";

    /// <summary>Makes authentication queue signature headers, as a signature scheme might, to prove a 403 drops them.</summary>
    public const string LeakSignatureHeadersHeader = "X-Test-Leak-Signature-Headers";

    /// <summary>Set on the response when this scheme's own forbid ran (instead of the insufficient_scope writer).</summary>
    public const string SchemeForbidMarker = "X-Test-Scheme-Forbid";

    public static void AddTo(AuthenticationBuilder builder) =>
        builder.AddScheme<AuthenticationSchemeOptions, TestAgentAuthHandler>(AgentAuthDefaults.AuthenticationScheme, null);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ScopesHeader, out var scopes))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (Request.Headers.ContainsKey(LeakSignatureHeadersHeader))
        {
            Response.Headers["Signature-Error"] = "error=invalid_signature";
            Response.Headers["Accept-Signature"] = "sig1=(\"@method\")";
        }
        var claims = new List<Claim> { new(AgentAuthClaimTypes.Subject, "agent-1") };
        foreach (var scope in scopes.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (scope == NoScopes)
            {
                continue;
            }
            claims.Add(new Claim(AgentAuthClaimTypes.Scope, scope));
        }
        var authMethod = Request.Headers[AuthMethodHeader].ToString();
        claims.Add(new Claim(AgentAuthClaimTypes.AuthenticationMode, authMethod.Length > 0 ? authMethod : AgentAuthenticationModes.HttpSignatureWithToken));
        foreach (var role in Request.Headers[RolesHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }
        var identity = new ClaimsIdentity(claims, AgentAuthDefaults.AuthenticationScheme, AgentAuthClaimTypes.Subject, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.CacheControl = "no-store";
        var metadata = ResourceMetadataChallenge.GetResourceMetadataUrl(Context);
        Response.Headers.WWWAuthenticate = metadata is null ? "Bearer" : $"Bearer resource_metadata=\"{metadata}\"";
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        Response.Headers[SchemeForbidMarker] = Scheme.Name;
        return Task.CompletedTask;
    }
}
