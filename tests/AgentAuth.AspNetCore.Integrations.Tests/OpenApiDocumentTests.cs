using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ResourceApi;

namespace AgentAuth.AspNetCore.Integrations.Tests;

/// <summary>The OpenAPI document of samples/ResourceApi, and of small apps for the cases the sample does not configure.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_sample_declares_the_agentauth_schemes_and_each_operations_scopes()
    {
        var app = ResourceApiApp.Build(["--contentRoot", RepositoryRoot.PathOf("samples/ResourceApi"), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        var document = await GetDocumentAsync(app);

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("http", (string?)schemes[AgentAuthOpenApiSchemes.HttpMessageSignature]!["type"]);
        Assert.Equal("Signature", (string?)schemes[AgentAuthOpenApiSchemes.HttpMessageSignature]!["scheme"]);
        Assert.Equal("DPoP", (string?)schemes[AgentAuthOpenApiSchemes.DPoP]!["scheme"]);
        // The sample does not allow plain bearer tokens, so its document does not offer them.
        Assert.False(schemes.ContainsKey(AgentAuthOpenApiSchemes.Bearer));

        var paths = document["paths"]!.AsObject();
        // Minimal APIs and the MVC controller: the {id} placeholder is shown as written.
        foreach (var prefix in new[] { "/data", "/mvc/data" })
        {
            Assert.Equal(["read:data:{id}"], ScopesOf(paths, prefix + "/{id}", "get", AgentAuthOpenApiSchemes.HttpMessageSignature));
            Assert.Equal(["read:data:{id}"], ScopesOf(paths, prefix + "/{id}", "get", AgentAuthOpenApiSchemes.DPoP));
            var collection = paths.ContainsKey(prefix) ? prefix : prefix + "/";
            Assert.Equal(["read:data:*"], ScopesOf(paths, collection, "get", AgentAuthOpenApiSchemes.HttpMessageSignature));
            Assert.Equal(["write:data:*"], ScopesOf(paths, collection, "post", AgentAuthOpenApiSchemes.HttpMessageSignature));
        }
        // Authenticated without a scope: the schemes with an empty scope list. Anonymous: no requirement at all.
        Assert.Empty(ScopesOf(paths, "/whoami", "get", AgentAuthOpenApiSchemes.HttpMessageSignature));
        Assert.Null(paths["/health"]!["get"]!["security"]);
    }

    [Fact]
    public async Task Bearer_is_declared_when_allowed_and_all_of_requirements_are_combined()
    {
        using var issuerKey = AgentAuth.HttpSignatures.Cryptography.SignatureKey.GenerateEd25519("issuer-1");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth(options =>
        {
            options.AllowBearerTokens = true;
            options.Issuers.Add(new TokenIssuerOptions { Issuer = "https://issuer.example", JsonWebKeySet = "{\"keys\":[" + issuerKey.ExportPublicJwkJson() + "]}" });
            options.Audiences.Add("https://api.example");
        });
        builder.Services.AddAuthorization();
        builder.Services.AddOpenApi(o => o.AddAgentAuth());
        var app = builder.Build();
        app.UseAgentAuth();
        app.MapOpenApi();
        // Two requirements, each with alternatives: (read:a:* or admin:a:*) and (read:b:{id}).
        app.MapGet("/a/{id}", (string id) => id).RequireScope("read:a:*", "admin:a:*").RequireScope("read:b:{id}");

        var document = await GetDocumentAsync(app);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]![AgentAuthOpenApiSchemes.Bearer]!["scheme"]);

        var security = document["paths"]!["/a/{id}"]!["get"]!["security"]!.AsArray();
        var bearer = security.Select(r => r!.AsObject()).Where(r => r.ContainsKey(AgentAuthOpenApiSchemes.Bearer))
            .Select(r => string.Join(" ", r[AgentAuthOpenApiSchemes.Bearer]!.AsArray().Select(s => (string?)s))).ToArray();
        Assert.Equal(["read:a:* read:b:{id}", "admin:a:* read:b:{id}"], bearer);
        // One requirement object per combination and scheme (signature, DPoP, bearer).
        Assert.Equal(6, security.Count);
    }

    private static string[] ScopesOf(JsonObject paths, string path, string method, string scheme)
    {
        Assert.True(paths.ContainsKey(path), $"{path} is not in the document: {string.Join(", ", paths.Select(p => p.Key))}");
        var security = paths[path]![method]!["security"]!.AsArray();
        var requirement = Assert.Single(security, r => r!.AsObject().ContainsKey(scheme))!;
        return requirement[scheme]!.AsArray().Select(s => (string)s!).ToArray();
    }

    private static async Task<JsonObject> GetDocumentAsync(WebApplication app)
    {
        await using (app)
        {
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            using var response = await client.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            await app.StopAsync();
            return document;
        }
    }
}

/// <summary>Paths in the repository, found from the test's output folder.</summary>
internal static class RepositoryRoot
{
    public static string PathOf(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentAuth.AspNetCore.sln")))
            {
                return Path.Combine(directory.FullName, relative);
            }
        }
        throw new InvalidOperationException("AgentAuth.AspNetCore.sln not found above " + AppContext.BaseDirectory);
    }
}
