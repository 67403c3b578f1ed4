using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>The 403 body and the <c>resource_metadata</c> parameter.</summary>
public sealed class InsufficientScopeResponseTests
{
    [Fact]
    public async Task With_problem_details_the_403_names_the_error_and_the_scopes()
    {
        using var app = new ScopeTestAppFactory(
            services =>
            {
                TestAgentAuthHandler.AddTo(services.AddAuthentication());
                services.AddProblemDetails();
                services.AddAgentAuthScopeAuthorization();
                services.Configure<AgentAuthOptions>(AgentAuthDefaults.AuthenticationScheme, o => o.IncludeErrorDetails = true);
            },
            endpoints => endpoints.MapGet("/data/{id}", (string id) => id).RequireScope("read:data:{id}").RequireScope("audit:data:*"));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/data/42");
        request.Headers.Add(TestAgentAuthHandler.ScopesHeader, "audit:data:*");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "Bearer error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"read:data:42 audit:data:*\"",
            Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(403, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc6750#section-3.1", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("insufficient_scope", body.RootElement.GetProperty("error").GetString());
        Assert.Equal("read:data:42 audit:data:*", body.RootElement.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task With_resource_metadata_enabled_the_403_and_the_401_point_to_it()
    {
        using var app = new ScopeTestAppFactory(
            services =>
            {
                TestAgentAuthHandler.AddTo(services.AddAuthentication());
                services.AddAgentAuthScopeAuthorization();
                services.Configure<AgentAuthOptions>(AgentAuthDefaults.AuthenticationScheme, o => o.IncludeErrorDetails = true);
                services.AddAgentAuthResourceMetadata(o =>
                {
                    o.Resource = "https://api.example.com/mcp";
                    o.AuthorizationServers.Add("https://broker.example.com");
                });
            },
            endpoints => endpoints.MapGet("/data/{id}", (string id) => id).RequireScope("read:data:{id}"));
        using var client = app.CreateClient();

        using var forbidden = new HttpRequestMessage(HttpMethod.Get, "/data/42");
        forbidden.Headers.Add(TestAgentAuthHandler.ScopesHeader, "read:data:1");
        forbidden.Headers.Add(TestAgentAuthHandler.AuthMethodHeader, AgentAuthenticationModes.DPoP);
        using var forbiddenResponse = await client.SendAsync(forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenResponse.StatusCode);
        Assert.Equal(
            "DPoP error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"read:data:42\", resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource/mcp\"",
            Assert.Single(forbiddenResponse.Headers.GetValues("WWW-Authenticate")));

        using var anonymous = await client.GetAsync("/data/42");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(
            "Bearer resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource/mcp\", scope=\"read:data:42\"",
            Assert.Single(anonymous.Headers.GetValues("WWW-Authenticate")));
    }

    [Fact]
    public void Challenge_parameters_are_quoted_and_the_scope_is_omitted_when_nothing_resolved()
    {
        Assert.Equal(
            "Bearer error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\"",
            InsufficientScopeResultHandler.BuildChallenge("Bearer", realm: null, string.Empty, includeErrorDetails: true, null));
        Assert.Equal(
            "DPoP error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"a:b:c d:e:f\", resource_metadata=\"https://x.example/.well-known/oauth-protected-resource\"",
            InsufficientScopeResultHandler.BuildChallenge("DPoP", realm: null, "a:b:c d:e:f", includeErrorDetails: true, "https://x.example/.well-known/oauth-protected-resource"));
    }

    [Fact]
    public void Required_scopes_list_every_scope_requirement_once_in_declaration_order()
    {
        var policy = new AuthorizationPolicyBuilder()
            .RequireScope("read:data:{id}", "admin:data:*")
            .RequireScope("admin:data:*", "audit:log:{missing}")
            .RequireRole("x")
            .Build();
        var context = new DefaultHttpContext();
        context.Request.RouteValues["id"] = 7;

        Assert.Equal("read:data:7 admin:data:*", InsufficientScopeResultHandler.RequiredScopes(context, policy));
    }
}
