using System.Net;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>
/// The same protected resources declared as a controller attribute, a minimal API convention, a route group, a
/// named policy and a <c>Scope:</c> policy give identical statuses and headers.
/// </summary>
public sealed class ScopeEndpointEquivalenceTests : IClassFixture<ScopeEndpointEquivalenceTests.App>
{
    public const string DataPolicy = "ReadDataById";
    public const string ReportsPolicy = "ReadReports";
    public const string BothPolicy = "ReadAndWriteData";

    private const string Description = "error_description=\"The access token does not grant a scope this request requires.\"";

    private static readonly string[] s_dataPaths =
        ["/ctrl/data", "/min/data", "/grp/data", "/ctrl/policy/data", "/pol/data", "/ctrl/scope-policy/data", "/spol/data"];

    private static readonly string[] s_reportPaths =
        ["/ctrl/reports", "/min/reports", "/ctrl/policy/reports", "/pol/reports", "/ctrl/scope-policy/reports", "/spol/reports"];

    private static readonly string[] s_bothPaths =
        ["/ctrl/both", "/ctrl-class/both", "/min/both", "/grp2/both", "/ctrl/policy/both", "/pol/both"];

    private readonly App _app;

    public ScopeEndpointEquivalenceTests(App app) => _app = app;

    public sealed class App() : IDisposable
    {
        public ScopeTestAppFactory Factory { get; } = new(ConfigureServices, MapEndpoints, withControllers: true);

        public void Dispose() => Factory.Dispose();

        internal static void ConfigureServices(IServiceCollection services)
        {
            TestAgentAuthHandler.AddTo(services.AddAuthentication());
            services.AddAuthorization(options =>
            {
                options.AddPolicy(DataPolicy, p => p.RequireScope("read:data:{id}"));
                options.AddPolicy(ReportsPolicy, p => p.RequireScope("read:reports:q3", "admin:reports:*"));
                options.AddPolicy(BothPolicy, p => p.RequireScope("read:data:*").RequireScope("write:data:*"));
            });
            services.AddAgentAuthScopeAuthorization();
        }

        internal static void MapEndpoints(IEndpointRouteBuilder endpoints)
        {
            endpoints.MapGet("/min/data/{id?}", (string? id) => "data:" + id).RequireScope("read:data:{id}");
            endpoints.MapGet("/min/reports", () => "reports").RequireScope("read:reports:q3", "admin:reports:*");
            endpoints.MapGet("/min/both", () => "both").RequireScope("read:data:*").RequireScope("write:data:*");

            endpoints.MapGroup("/grp").RequireScope("read:data:{id}").MapGet("/data/{id?}", (string? id) => "data:" + id);
            endpoints.MapGroup("/grp2").RequireScope("read:data:*").MapGet("/both", () => "both").RequireScope("write:data:*");

            endpoints.MapGet("/pol/data/{id?}", (string? id) => "data:" + id).RequireAuthorization(DataPolicy);
            endpoints.MapGet("/pol/reports", () => "reports").RequireAuthorization(ReportsPolicy);
            endpoints.MapGet("/pol/both", () => "both").RequireAuthorization(BothPolicy);

            endpoints.MapGet("/spol/data/{id?}", (string? id) => "data:" + id).RequireAuthorization("Scope:read:data:{id}");
            endpoints.MapGet("/spol/reports", () => "reports").RequireAuthorization("Scope:read:reports:q3 admin:reports:*");
        }
    }

    /// <summary>(granted scopes or null for anonymous, auth_method, path suffix, expected status, expected WWW-Authenticate).</summary>
    public static TheoryData<string?, string?, string, int, string?> DataCases() => new()
    {
        { null, null, "/42", 401, "Bearer" },
        { "read:data:42", null, "/42", 200, null },
        { "read:data:*", null, "/42", 200, null },
        { "read:data:43", null, "/42", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:data:42\"" },
        { "write:data:*", null, "/42", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:data:42\"" },
        { TestAgentAuthHandler.NoScopes, null, "/42", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:data:42\"" },
        { "read:data:43", "dpop", "/42", 403, $"DPoP error=\"insufficient_scope\", {Description}, scope=\"read:data:42\"" },
        { "read:data:43", "bearer", "/42", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:data:42\"" },
        { "read:data:*", null, "/*", 200, null },
        { "read:data:42", null, "/*", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:data:*\"" },
        // Placeholders that fail closed: even a wildcard grant is refused, and no route value reaches the header.
        { "read:data:*", null, "", 403, $"Bearer error=\"insufficient_scope\", {Description}" },
        { "read:data:*", null, "/a:b", 403, $"Bearer error=\"insufficient_scope\", {Description}" },
        { "read:data:a", null, "/a:b", 403, $"Bearer error=\"insufficient_scope\", {Description}" },
        { "read:data:*", null, "/a%20b", 403, $"Bearer error=\"insufficient_scope\", {Description}" },
        { "read:data:*", null, "/a%22b", 403, $"Bearer error=\"insufficient_scope\", {Description}" },
        { "read:data:*", null, "/a%5Cb", 403, $"Bearer error=\"insufficient_scope\", {Description}" },
        { "read:data:*", null, "/%C3%A9", 403, $"Bearer error=\"insufficient_scope\", {Description}" },
    };

    public static TheoryData<string?, int, string?> ReportCases() => new()
    {
        { null, 401, "Bearer" },
        { "read:reports:q3", 200, null },
        { "admin:reports:*", 200, null },
        { "admin:reports:q3", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:reports:q3 admin:reports:*\"" },
        { "read:reports:q4", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:reports:q3 admin:reports:*\"" },
    };

    public static TheoryData<string?, int, string?> BothCases() => new()
    {
        { null, 401, "Bearer" },
        { "read:data:* write:data:*", 200, null },
        { "read:data:*", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:data:* write:data:*\"" },
        { "write:data:*", 403, $"Bearer error=\"insufficient_scope\", {Description}, scope=\"read:data:* write:data:*\"" },
    };

    [Theory]
    [MemberData(nameof(DataCases))]
    public async Task Data_resource_answers_identically_in_every_form(string? scopes, string? authMethod, string suffix, int status, string? challenge)
    {
        var outcomes = await SendAllAsync(s_dataPaths.Select(p => p + suffix), scopes, authMethod);
        AssertIdentical(outcomes, status, challenge);
        if (status == 200)
        {
            Assert.All(outcomes, o => Assert.Equal("data:" + Uri.UnescapeDataString(suffix.TrimStart('/')), o.Body));
        }
    }

    [Theory]
    [MemberData(nameof(ReportCases))]
    public async Task Any_of_resource_answers_identically_in_every_form(string? scopes, int status, string? challenge) =>
        AssertIdentical(await SendAllAsync(s_reportPaths, scopes, null), status, challenge);

    [Theory]
    [MemberData(nameof(BothCases))]
    public async Task All_of_resource_answers_identically_in_every_form(string? scopes, int status, string? challenge) =>
        AssertIdentical(await SendAllAsync(s_bothPaths, scopes, null), status, challenge);

    [Fact]
    public async Task A_403_never_carries_signature_headers_queued_by_the_scheme()
    {
        using var client = _app.Factory.CreateClient();
        foreach (var path in s_dataPaths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path + "/42");
            request.Headers.Add(TestAgentAuthHandler.ScopesHeader, "read:data:43");
            request.Headers.Add(TestAgentAuthHandler.LeakSignatureHeadersHeader, "1");
            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("Signature-Error"), path);
            Assert.False(response.Headers.Contains("Accept-Signature"), path);
            Assert.False(response.Headers.Contains(TestAgentAuthHandler.SchemeForbidMarker), path);
        }
    }

    [Fact]
    public async Task Without_problem_details_the_403_has_no_body()
    {
        using var client = _app.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/min/data/42");
        request.Headers.Add(TestAgentAuthHandler.ScopesHeader, "read:data:43");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<List<Outcome>> SendAllAsync(IEnumerable<string> paths, string? scopes, string? authMethod)
    {
        using var client = _app.Factory.CreateClient();
        var outcomes = new List<Outcome>();
        foreach (var path in paths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (scopes is not null)
            {
                request.Headers.Add(TestAgentAuthHandler.ScopesHeader, scopes);
            }
            if (authMethod is not null)
            {
                request.Headers.Add(TestAgentAuthHandler.AuthMethodHeader, authMethod);
            }
            using var response = await client.SendAsync(request);
            outcomes.Add(new Outcome(
                path,
                (int)response.StatusCode,
                response.Headers.TryGetValues("WWW-Authenticate", out var challenges) ? string.Join(" | ", challenges) : null,
                response.Headers.CacheControl?.ToString(),
                response.Headers.Contains("Signature-Error") || response.Headers.Contains("Accept-Signature"),
                await response.Content.ReadAsStringAsync()));
        }
        return outcomes;
    }

    private static void AssertIdentical(List<Outcome> outcomes, int status, string? challenge)
    {
        foreach (var outcome in outcomes)
        {
            Assert.True(status == outcome.Status, $"{outcome.Path}: expected {status}, got {outcome.Status} ({outcome.Challenge})");
            Assert.True(challenge == outcome.Challenge, $"{outcome.Path}: expected challenge [{challenge}], got [{outcome.Challenge}]");
            Assert.False(outcome.HasSignatureHeaders, outcome.Path);
            if (status is 401 or 403)
            {
                Assert.Equal("no-store", outcome.CacheControl);
            }
        }
        Assert.Single(outcomes.Select(o => (o.Status, o.Challenge, o.CacheControl)).Distinct());
    }

    private sealed record Outcome(string Path, int Status, string? Challenge, string? CacheControl, bool HasSignatureHeaders, string Body);
}
