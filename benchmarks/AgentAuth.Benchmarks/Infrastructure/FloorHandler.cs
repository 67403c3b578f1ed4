using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// The cheapest possible successful scheme: a principal with one claim, no checks. Authenticating with it through the same
/// scope + context + <c>AuthenticateAsync</c> path measures what ASP.NET Core itself costs per authenticated request, so the
/// AgentAuth figures can be read as "framework floor + what AgentAuth adds".
/// </summary>
public sealed class FloorHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Floor";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = new ClaimsIdentity(SchemeName);
        identity.AddClaim(new Claim("sub", "agent-1", ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
