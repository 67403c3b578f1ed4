using System.Net;
using AgentAuth.AspNetCore.Tests.Authorization;
using AgentAuth.AspNetCore.Tests.Handler;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 23, scope layer: A1 (several placeholders joined by literal text), A2 (MVC binds a placeholder-named parameter from
/// the form) and S2 (token claims named like the claims the scheme asserts).
/// </summary>
public sealed class ScopeAttackTests
{
    private const string WriteItemsPolicy = "WriteItem";

    // ---- A1 ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A1_grant_for_one_org_and_project_does_not_open_another_split_of_the_same_identifier()
    {
        await using var app = await StartAsync(
            services => { },
            endpoints => endpoints.MapGet("/orgs/{org}/projects/{project}", (string org, string project) => org + "/" + project)
                .RequireScope("read:projects:{org}-{project}"));

        // The grant is for org "acme-internal", project "roadmap"; the request is org "acme", project "internal-roadmap".
        using var response = await SendAsync(app, HttpMethod.Get, "/orgs/acme/projects/internal-roadmap", "read:projects:acme-internal-roadmap");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A1_values_without_the_separator_still_resolve_and_are_authorized()
    {
        await using var app = await StartAsync(
            services => { },
            endpoints => endpoints.MapGet("/reports/{year}/{quarter}", (string year, string quarter) => year + quarter)
                .RequireScope("read:reports:{year}-{quarter}"));

        using var response = await SendAsync(app, HttpMethod.Get, "/reports/2024/q3", "read:reports:2024-q3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void A1_adjacent_placeholders_are_refused_at_startup_naming_the_pattern()
    {
        var ex = Assert.Throws<FormatException>(() => new RequireScopeAttribute("read:projects:{org}{project}"));

        Assert.Contains("'read:projects:{org}{project}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("separated by literal text", ex.Message, StringComparison.Ordinal);
    }

    // ---- A2 ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A2_mvc_action_without_ApiController_acts_on_the_route_value_not_a_form_field_of_the_same_name()
    {
        await using var app = await StartAsync(services => AddControllers(services, typeof(ScopeBinding.ItemsController)), endpoints => endpoints.MapControllers());

        using var response = await SendAsync(app, HttpMethod.Post, "/mvc/items/mine", "write:items:mine",
            new FormUrlEncodedContent([new("id", "victims-item")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acted-on:mine", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A2_mvc_action_with_a_named_scope_policy_also_acts_on_the_route_value()
    {
        await using var app = await StartAsync(
            services =>
            {
                AddControllers(services, typeof(ScopeBinding.ItemsController));
                services.AddAuthorization(o => o.AddPolicy(WriteItemsPolicy, p => p.RequireScope("write:items:{id}")));
            },
            endpoints => endpoints.MapControllers());

        using var response = await SendAsync(app, HttpMethod.Post, "/mvc/policy-items/mine", "write:items:mine",
            new FormUrlEncodedContent([new("id", "victims-item")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acted-on:mine", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A2_mvc_action_whose_scope_comes_from_an_endpoint_convention_fails_closed_when_the_parameter_is_not_route_bound()
    {
        // MapControllers().RequireScope(...) is invisible to the application model, so the parameter keeps MVC's binding
        // (form first); the scope handler refuses rather than authorize one value and let the action receive another.
        await using var app = await StartAsync(
            services => AddControllers(services, typeof(ScopeBindingConvention.ConventionItemsController)),
            endpoints => endpoints.MapControllers().RequireScope("write:items:{id}"));

        using var response = await SendAsync(app, HttpMethod.Post, "/mvc/convention-items/mine", "write:items:mine",
            new FormUrlEncodedContent([new("id", "victims-item")]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEqual("acted-on:victims-item", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A2_a_placeholder_named_parameter_bound_from_the_form_explicitly_is_refused_at_startup()
    {
        // MVC builds its action model when MapControllers subscribes to it, so the app does not start.
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(async () =>
        {
            await using var app = await StartAsync(
                services => AddControllers(services, typeof(ScopeBindingRefused.FormItemsController)), endpoints => endpoints.MapControllers());
        });

        Assert.Contains("write:items:{id}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'id'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FormItemsController.Act", ex.Message, StringComparison.Ordinal);
    }

    // ---- S2 ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task S2_token_claims_named_like_scheme_asserted_claims_are_dropped_so_FindFirst_returns_what_was_proven()
    {
        await using var setup = new TokenSetup();
        var host = await setup.StartAsync();
        var token = setup.BoundToken(c =>
        {
            c["cnf_jkt"] = "forged-thumbprint";
            c["auth_method"] = "dpop";
            c["keyid"] = "someone-elses-key";
            c["sig_label"] = "forged";
            c["act_chain"] = "{\"sub\":\"forged-actor\"}";
            c["task_id"] = "task-1";
        });

        var principal = await SucceededAsync(await host.SendAsync(
            setup.Agent.Sign(TestAgent.Request(HttpMethod.Get, TokenSetup.Protected, token: token))));

        Assert.Equal([setup.Agent.Key.Thumbprint], ClaimValues(principal, "cnf_jkt"));
        Assert.Equal(["httpsig+jwt"], ClaimValues(principal, "auth_method"));
        Assert.Equal([setup.Agent.Key.KeyId!], ClaimValues(principal, "keyid"));
        Assert.Equal(["sig1"], ClaimValues(principal, "sig_label"));
        Assert.Empty(ClaimValues(principal, "act_chain"));
        Assert.Equal(["task-1"], ClaimValues(principal, "task_id"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static void AddControllers(IServiceCollection services, Type controller) =>
        services.AddControllers().ConfigureApplicationPartManager(manager =>
        {
            manager.ApplicationParts.Clear();
            manager.ApplicationParts.Add(new AssemblyPart(controller.Assembly));
            foreach (var provider in manager.FeatureProviders.OfType<ControllerFeatureProvider>().ToList())
            {
                manager.FeatureProviders.Remove(provider);
            }
            manager.FeatureProviders.Add(new NamespaceControllers(controller.Namespace!));
        });

    private static async Task<WebApplication> StartAsync(Action<IServiceCollection> services, Action<IEndpointRouteBuilder> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        TestAgentAuthHandler.AddTo(builder.Services.AddAuthentication());
        services(builder.Services);
        builder.Services.AddAgentAuthScopeAuthorization();
        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        map(app);
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpResponseMessage> SendAsync(WebApplication app, HttpMethod method, string path, string scopes, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(TestAgentAuthHandler.ScopesHeader, scopes);
        return await app.GetTestClient().SendAsync(request);
    }

    /// <summary>
    /// Only the controllers of one namespace, so each app sees exactly the actions of its test. They are marked
    /// [NonController] so no other app of the assembly picks them up.
    /// </summary>
    private sealed class NamespaceControllers(string ns) : ControllerFeatureProvider
    {
        protected override bool IsController(System.Reflection.TypeInfo typeInfo) =>
            typeInfo.Namespace == ns && typeInfo.IsPublic && !typeInfo.IsAbstract && typeof(ControllerBase).IsAssignableFrom(typeInfo);
    }
}
