using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>An application with its own scheme, role policy and custom requirement keeps working after AgentAuth is added.</summary>
public sealed class UnrelatedPoliciesTests
{
    private const string OtherScheme = "Other";

    public static TheoryData<bool> AgentAuthAddedFirst() => new() { true, false };

    [Theory]
    [MemberData(nameof(AgentAuthAddedFirst))]
    public async Task Role_policy_custom_requirement_and_default_policy_behave_as_without_AgentAuth(bool agentAuthFirst)
    {
        using var withAgentAuth = CreateApp(addAgentAuth: true, agentAuthFirst);
        using var without = CreateApp(addAgentAuth: false, agentAuthFirst);

        (string Path, string? User, string? Roles, int Age, int Status)[] cases =
        [
            ("/admin", null, null, 0, 401),
            ("/admin", "alice", "user", 0, 403),
            ("/admin", "alice", "admin", 0, 200),
            ("/adult", "bob", null, 17, 403),
            ("/adult", "bob", null, 21, 200),
            ("/default", null, null, 0, 401),
            ("/default", "carol", null, 0, 200),
            ("/anonymous", null, null, 0, 200),
        ];
        foreach (var c in cases)
        {
            var actual = await SendAsync(withAgentAuth, c.Path, c.User, c.Roles, c.Age);
            var baseline = await SendAsync(without, c.Path, c.User, c.Roles, c.Age);
            Assert.True(c.Status == actual.Status, $"{c.Path} {c.User}/{c.Roles}/{c.Age}: expected {c.Status}, got {actual.Status}");
            Assert.Equal(baseline, actual);
        }
    }

    [Fact]
    public async Task Other_schemes_forbid_is_not_turned_into_insufficient_scope()
    {
        using var app = CreateApp(addAgentAuth: true, agentAuthFirst: true);
        var outcome = await SendAsync(app, "/admin", "alice", "user", 0);

        Assert.Equal(403, outcome.Status);
        Assert.Null(outcome.Challenge);
        Assert.Equal(OtherScheme, outcome.ForbidMarker);
    }

    [Fact]
    public async Task Scope_endpoint_works_next_to_the_applications_policies()
    {
        using var app = CreateApp(addAgentAuth: true, agentAuthFirst: false);
        using var client = app.CreateClient();

        using var ok = new HttpRequestMessage(HttpMethod.Get, "/agents/data/7");
        ok.Headers.Add(TestAgentAuthHandler.ScopesHeader, "read:data:*");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(ok)).StatusCode);

        // A user of the application's own scheme has no AgentAuth identity: the AgentAuth challenge answers.
        using var otherUser = new HttpRequestMessage(HttpMethod.Get, "/agents/data/7");
        otherUser.Headers.Add(OtherHandler.UserHeader, "alice");
        var response = await client.SendAsync(otherUser);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_custom_policy_provider_registered_before_AgentAuth_is_decorated_not_replaced()
    {
        using var app = new ScopeTestAppFactory(
            services =>
            {
                var auth = services.AddAuthentication(OtherScheme);
                auth.AddScheme<AuthenticationSchemeOptions, OtherHandler>(OtherScheme, null);
                TestAgentAuthHandler.AddTo(auth);
                services.AddAuthorization();
                services.AddSingleton<IAuthorizationPolicyProvider, MinimumAgePolicyProvider>();
                services.AddSingleton<IAuthorizationHandler, MinimumAgeHandler>();
                services.AddAgentAuthScopeAuthorization();
            },
            endpoints =>
            {
                endpoints.MapGet("/age18", () => "ok").RequireAuthorization("MinimumAge18");
                endpoints.MapGet("/scoped", () => "ok").RequireAuthorization("Scope:read:data:*");
            });

        Assert.Equal(403, (await SendAsync(app, "/age18", "bob", null, 17)).Status);
        Assert.Equal(200, (await SendAsync(app, "/age18", "bob", null, 30)).Status);

        using var client = app.CreateClient();
        using var scoped = new HttpRequestMessage(HttpMethod.Get, "/scoped");
        scoped.Headers.Add(TestAgentAuthHandler.ScopesHeader, "read:data:*");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(scoped)).StatusCode);

        var provider = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        Assert.IsType<ScopePolicyProvider>(provider);
        Assert.False(provider.AllowsCachingPolicies); // follows the application's provider
    }

    private static ScopeTestAppFactory CreateApp(bool addAgentAuth, bool agentAuthFirst) => new(
        services =>
        {
            var auth = services.AddAuthentication(OtherScheme);
            auth.AddScheme<AuthenticationSchemeOptions, OtherHandler>(OtherScheme, null);
            TestAgentAuthHandler.AddTo(auth);
            if (addAgentAuth && agentAuthFirst)
            {
                services.AddAgentAuthScopeAuthorization();
            }
            services.AddSingleton<IAuthorizationHandler, MinimumAgeHandler>();
            services.AddAuthorization(options =>
            {
                options.AddPolicy("Admins", p => p.RequireRole("admin"));
                options.AddPolicy("Adults", p => p.AddRequirements(new MinimumAgeRequirement(18)));
            });
            if (addAgentAuth && !agentAuthFirst)
            {
                services.AddAgentAuthScopeAuthorization();
            }
        },
        endpoints =>
        {
            endpoints.MapGet("/admin", () => "admin").RequireAuthorization("Admins");
            endpoints.MapGet("/adult", () => "adult").RequireAuthorization("Adults");
            endpoints.MapGet("/default", () => "default").RequireAuthorization();
            endpoints.MapGet("/anonymous", () => "anonymous");
            if (addAgentAuth)
            {
                endpoints.MapGet("/agents/data/{id}", (string id) => id).RequireScope("read:data:{id}");
            }
        });

    private static async Task<Outcome> SendAsync(ScopeTestAppFactory app, string path, string? user, string? roles, int age)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Add(OtherHandler.UserHeader, user);
            request.Headers.Add(OtherHandler.RolesHeader, roles ?? string.Empty);
            request.Headers.Add(OtherHandler.AgeHeader, age.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var response = await client.SendAsync(request);
        return new Outcome(
            (int)response.StatusCode,
            response.Headers.TryGetValues("WWW-Authenticate", out var challenge) ? string.Join(" | ", challenge) : null,
            response.Headers.TryGetValues(TestAgentAuthHandler.SchemeForbidMarker, out var marker) ? string.Join(",", marker) : null,
            await response.Content.ReadAsStringAsync());
    }

    private sealed record Outcome(int Status, string? Challenge, string? ForbidMarker, string Body);

    /// <summary>The application's own (non-AgentAuth) scheme: a user from headers.</summary>
    private sealed class OtherHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string UserHeader = "X-Other-User";
        public const string RolesHeader = "X-Other-Roles";
        public const string AgeHeader = "X-Other-Age";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var user = Request.Headers[UserHeader].ToString();
            if (user.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }
            var claims = new List<Claim> { new(ClaimTypes.Name, user), new("age", Request.Headers[AgeHeader].ToString()) };
            claims.AddRange(Request.Headers[RolesHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
            // Scope claims on another scheme's identity must never satisfy an AgentAuth scope requirement.
            claims.Add(new Claim(AgentAuthClaimTypes.Scope, "read:data:*"));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
        }

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = 403;
            Response.Headers[TestAgentAuthHandler.SchemeForbidMarker] = Scheme.Name;
            return Task.CompletedTask;
        }
    }

    private sealed record MinimumAgeRequirement(int Age) : IAuthorizationRequirement;

    private sealed class MinimumAgeHandler : AuthorizationHandler<MinimumAgeRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MinimumAgeRequirement requirement)
        {
            if (int.TryParse(context.User.FindFirst("age")?.Value, out var age) && age >= requirement.Age)
            {
                context.Succeed(requirement);
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>The classic custom provider (MinimumAge{n}) that disables policy caching, as the interface default does.</summary>
    private sealed class MinimumAgePolicyProvider(IOptions<AuthorizationOptions> options) : IAuthorizationPolicyProvider
    {
        private readonly DefaultAuthorizationPolicyProvider _fallback = new(options);

        public bool AllowsCachingPolicies => false;

        public Task<AuthorizationPolicy> GetDefaultPolicyAsync() => _fallback.GetDefaultPolicyAsync();

        public Task<AuthorizationPolicy?> GetFallbackPolicyAsync() => _fallback.GetFallbackPolicyAsync();

        public Task<AuthorizationPolicy?> GetPolicyAsync(string policyName) =>
            policyName.StartsWith("MinimumAge", StringComparison.Ordinal) && int.TryParse(policyName["MinimumAge".Length..], out var age)
                ? Task.FromResult<AuthorizationPolicy?>(new AuthorizationPolicyBuilder().AddRequirements(new MinimumAgeRequirement(age)).Build())
                : _fallback.GetPolicyAsync(policyName);
    }
}
