using System.Net;
using System.Text.Json;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>RFC 9728 protected resource metadata: validation, document and endpoints.</summary>
public sealed class ResourceMetadataTests
{
    private static ScopeTestAppFactory CreateApp(Action<AgentAuthResourceMetadataOptions> configure) => new(
        services =>
        {
            TestAgentAuthHandler.AddTo(services.AddAuthentication());
            // A fallback policy requiring authentication must not hide the metadata.
            services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
            services.AddAgentAuthScopeAuthorization();
            services.AddAgentAuthResourceMetadata(configure);
        },
        endpoints => endpoints.MapAgentAuthResourceMetadata());

    [Fact]
    public async Task Serves_the_document_at_the_root_and_the_path_inserted_location()
    {
        using var app = CreateApp(o =>
        {
            o.Resource = "https://api.example.com/v1/mcp";
            o.AuthorizationServers.Add("https://broker.example.com");
            o.ScopesSupported.Add("read:data:*");
            o.ScopesSupported.Add("write:reports:q3");
            o.DPoPSigningAlgValuesSupported.Add("ES256");
            o.DPoPSigningAlgValuesSupported.Add("EdDSA");
            o.DPoPBoundAccessTokensRequired = false;
            o.ResourceName = "Example data API";
            o.ResourceDocumentation = "https://docs.example.com/api?lang=en";
            o.CacheDuration = TimeSpan.FromMinutes(5);
        });
        using var client = app.CreateClient();

        using var pathInserted = await client.GetAsync("/.well-known/oauth-protected-resource/v1/mcp");
        using var root = await client.GetAsync("/.well-known/oauth-protected-resource");

        foreach (var response in new[] { pathInserted, root })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        }
        var json = await pathInserted.Content.ReadAsStringAsync();
        Assert.Equal(json, await root.Content.ReadAsStringAsync());
        using var document = JsonDocument.Parse(json);
        var r = document.RootElement;
        Assert.Equal("https://api.example.com/v1/mcp", r.GetProperty("resource").GetString());
        Assert.Equal(["https://broker.example.com"], Strings(r, "authorization_servers"));
        Assert.Equal(["read:data:*", "write:reports:q3"], Strings(r, "scopes_supported"));
        Assert.Equal(["header"], Strings(r, "bearer_methods_supported"));
        Assert.Equal(["ES256", "EdDSA"], Strings(r, "dpop_signing_alg_values_supported"));
        Assert.False(r.GetProperty("dpop_bound_access_tokens_required").GetBoolean());
        Assert.Equal("Example data API", r.GetProperty("resource_name").GetString());
        Assert.Equal("https://docs.example.com/api?lang=en", r.GetProperty("resource_documentation").GetString());
        Assert.False(r.TryGetProperty("jwks_uri", out _));
        Assert.False(r.TryGetProperty("resource_signing_alg_values_supported", out _));

        var metadata = app.Services.GetRequiredService<ResourceMetadataDocument>();
        Assert.Equal("https://api.example.com/.well-known/oauth-protected-resource/v1/mcp", metadata.MetadataUrl);
    }

    [Fact]
    public async Task A_root_resource_is_served_only_at_the_well_known_path()
    {
        using var app = CreateApp(o => o.Resource = "https://api.example.com/");
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/.well-known/oauth-protected-resource")).StatusCode);
        Assert.Equal("https://api.example.com/.well-known/oauth-protected-resource", app.Services.GetRequiredService<ResourceMetadataDocument>().MetadataUrl);
    }

    [Fact]
    public void Invalid_options_stop_the_application_at_startup_naming_the_option()
    {
        using var app = CreateApp(o => o.Resource = "http://api.example.com");
        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("AgentAuthResourceMetadataOptions.Resource", error.Message, StringComparison.Ordinal);
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_without_AddAgentAuthResourceMetadata_explains_what_to_call()
    {
        using var app = new ScopeTestAppFactory(
            services =>
            {
                TestAgentAuthHandler.AddTo(services.AddAuthentication());
                services.AddAuthorization();
            },
            endpoints => endpoints.MapAgentAuthResourceMetadata());
        var error = Assert.Throws<InvalidOperationException>(() => app.CreateClient());
        Assert.Contains("AddAgentAuthResourceMetadata", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> InvalidOptions() => new()
    {
        { "resource-missing", "Resource must be set" },
        { "resource-relative", "Resource '/api' must be an absolute https URI" },
        { "resource-http", "Resource 'http://api.example.com' must be an absolute https URI" },
        { "resource-fragment", "must not have a query or fragment" },
        { "resource-query", "must not have a query or fragment" },
        { "resource-placeholder-path", "must not contain '{', '}', '*' or '%' in its path" },
        { "authorization-server-http", "AuthorizationServers entry 'http://broker.example.com' must be an absolute https URI" },
        { "authorization-server-quote", "AuthorizationServers entry 'https://broker.example.com/\"x' must contain only printable ASCII" },
        { "scope-space", "ScopesSupported entry 'read data' is not an RFC 6749 scope token" },
        { "bearer-method", "BearerMethodsSupported entry 'cookie' must be 'header', 'body' or 'query'" },
        { "dpop-alg", "DPoPSigningAlgValuesSupported entry '' must be a non-empty algorithm name" },
        { "jwks-http", "JwksUri 'http://api.example.com/jwks' must be an absolute https URI" },
        { "cache-negative", "CacheDuration must not be negative" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validation_names_the_option_and_the_problem(string name, string expected)
    {
        var options = new AgentAuthResourceMetadataOptions { Resource = "https://api.example.com" };
        switch (name)
        {
            case "resource-missing": options.Resource = null; break;
            case "resource-relative": options.Resource = "/api"; break;
            case "resource-http": options.Resource = "http://api.example.com"; break;
            case "resource-fragment": options.Resource = "https://api.example.com/a#b"; break;
            case "resource-query": options.Resource = "https://api.example.com/a?b=c"; break;
            case "resource-placeholder-path": options.Resource = "https://api.example.com/{x}"; break;
            case "authorization-server-http": options.AuthorizationServers.Add("http://broker.example.com"); break;
            case "authorization-server-quote": options.AuthorizationServers.Add("https://broker.example.com/\"x"); break;
            case "scope-space": options.ScopesSupported.Add("read data"); break;
            case "bearer-method": options.BearerMethodsSupported.Add("cookie"); break;
            case "dpop-alg": options.DPoPSigningAlgValuesSupported.Add(""); break;
            case "jwks-http": options.JwksUri = "http://api.example.com/jwks"; break;
            case "cache-negative": options.CacheDuration = TimeSpan.FromSeconds(-1); break;
        }

        var result = new ResourceMetadataOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_is_accepted_only_when_https_is_not_required()
    {
        var options = new AgentAuthResourceMetadataOptions { Resource = "http://localhost:5000/api", RequireHttps = false };
        options.AuthorizationServers.Add("http://localhost:8080");

        Assert.True(new ResourceMetadataOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new ResourceMetadataOptionsValidator().Validate(null, new AgentAuthResourceMetadataOptions { Resource = "https://api.example.com" }).Succeeded);
    }

    private static string[] Strings(JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
