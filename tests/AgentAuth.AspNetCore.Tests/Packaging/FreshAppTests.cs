using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using AgentAuth.AspNetCore.Tests.Samples;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore.Tests.Packaging;

/// <summary>
/// What a user does with the packages: a new app in an empty folder, its own nuget.config with the packed packages as
/// a local feed beside the registry, package references only (no project of this repository), restored into its own
/// package folder, built with warnings as errors, run, and called with signed requests, both by the app itself through
/// the packed AgentAuth.Client and by this test.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class FreshAppTests
{
    private const string AgentKeyFile = "samples/ResourceApi/dev/sample-agent-ed25519.private.jwk.json";

    private readonly PackedSolution _packed;

    public FreshAppTests(PackedSolution packed) => _packed = packed;

    [Fact]
    public async Task A_new_app_referencing_the_packed_packages_builds_runs_and_authenticates_signed_requests()
    {
        foreach (var id in PackedSolution.ShippedProjects)
        {
            _packed.PackagePath(id);
        }
        var agentPrivateJwk = SampleFiles.Read(AgentKeyFile);
        var agentKey = Key(agentPrivateJwk);
        var app = await CreateAppAsync(agentKey);

        var build = await DotnetCli.RunAsync(app, TimeSpan.FromMinutes(8), null,
            "build", "-c", "Release", "-p:UseSharedCompilation=false", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, "The fresh app did not restore and build:\n" + DotnetCli.Tail(build.Output));
        Assert.Empty(build.CodedWarnings);

        // The app runs the packed assemblies, not a copy from some other cache.
        foreach (var id in PackedSolution.ShippedProjects)
        {
            using var zip = ZipFile.OpenRead(_packed.PackagePath(id));
            using var packed = zip.GetEntry($"lib/net10.0/{id}.dll")!.Open();
            using var copy = new MemoryStream();
            await packed.CopyToAsync(copy);
            Assert.Equal(copy.ToArray(), await File.ReadAllBytesAsync(Path.Combine(app, "bin", "Release", "net10.0", id + ".dll")));
        }

        using var process = AppProcess.Start(DotnetCli.Executable, app,
            new Dictionary<string, string> { ["AGENT_PRIVATE_JWK"] = agentPrivateJwk },
            Path.Combine("bin", "Release", "net10.0", "FreshApp.dll"), "--urls", "http://127.0.0.1:0");
        var listening = await process.WaitForLineAsync(@"^listening: (?<url>http://127\.0\.0\.1:\d+)", TimeSpan.FromMinutes(2));
        var baseAddress = new Uri(listening.Groups["url"].Value);

        // The app's own call, signed by the packed AgentAuth.Client.
        await process.WaitForLineAsync(@"^self-test: 200 agent sample-agent-ed25519$", TimeSpan.FromSeconds(30));
        await process.WaitForLineAsync(@"^replay cache package: AgentAuth\.AspNetCore\.PostgreSql$", TimeSpan.FromSeconds(30));
        await process.WaitForLineAsync(@"^redis stores package: AgentAuth\.AspNetCore\.Redis$", TimeSpan.FromSeconds(30));
        // AgentAuth.AspNetCore.OpenApi from its package alone (no direct Microsoft.AspNetCore.OpenApi reference): the document declares the scheme.
        await process.WaitForLineAsync(@"^openapi: 200 AgentAuth\.HttpMessageSignature$", TimeSpan.FromSeconds(30));

        using var signed = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = agentKey }, new SocketsHttpHandler())) { BaseAddress = baseAddress };
        using var ok = await signed.GetAsync(new Uri("/whoami", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("agent sample-agent-ed25519", await ok.Content.ReadAsStringAsync());

        using var unsigned = new HttpClient { BaseAddress = baseAddress };
        using var anonymous = await unsigned.GetAsync(new Uri("/whoami", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var stranger = SignatureKey.GenerateEd25519("sample-agent-ed25519");
        using var forged = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = stranger }, new SocketsHttpHandler())) { BaseAddress = baseAddress };
        using var refused = await forged.GetAsync(new Uri("/whoami", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static SignatureKey Key(string jwkJson)
    {
        Assert.True(Jwk.TryParse(jwkJson, out var jwk, out var error), error);
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out error), error);
        return key!;
    }

    private async Task<string> CreateAppAsync(SignatureKey agentKey)
    {
        var app = Path.Combine(_packed.WorkDirectory, "FreshApp");
        Directory.CreateDirectory(app);

        // Only the packed packages come from the local folder; everything else from the registries this machine uses.
        var registries = await RegistriesAsync();
        var config = new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "agentauth-local"), new XAttribute("value", _packed.PackageDirectory)),
                registries.Select((url, i) => new XElement("add", new XAttribute("key", "registry" + i), new XAttribute("value", url)))),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "agentauth-local"), new XElement("package", new XAttribute("pattern", "AgentAuth.*"))),
                registries.Select((_, i) => new XElement("packageSource", new XAttribute("key", "registry" + i), new XElement("package", new XAttribute("pattern", "*"))))));
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), config.ToString());

        // Stops MSBuild from importing any Directory.*.props above the temporary folder.
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Packages.props"), "<Project />");

        var references = string.Concat(new[] { "AgentAuth.AspNetCore", "AgentAuth.AspNetCore.Mcp", "AgentAuth.AspNetCore.OpenApi", "AgentAuth.AspNetCore.PostgreSql", "AgentAuth.AspNetCore.Redis", "AgentAuth.Client" }
            .Select(id => $"    <PackageReference Include=\"{id}\" Version=\"{PackedSolution.Version}\" />\n"));
        await File.WriteAllTextAsync(Path.Combine(app, "FreshApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- Its own package folder: the packages under test, never a copy cached by an earlier run. -->
                <RestorePackagesPath>$(MSBuildProjectDirectory)/.packages</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);

        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Security.Claims;
            using AgentAuth.AspNetCore;
            using AgentAuth.AspNetCore.PostgreSql;
            using AgentAuth.AspNetCore.Redis;
            using Microsoft.AspNetCore.OpenApi;

            // The server side: the quick start of the AgentAuth.AspNetCore package README; the trusted key is in appsettings.json.
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth();
            builder.Services.AddAuthorization();
            builder.Services.AddOpenApi(options => options.AddAgentAuth());
            // The agent side: the quick start of the AgentAuth.Client package README (the app calls itself below).
            builder.Services.AddHttpClient("agent")
                .AddAgentAuthSigning(options => options.Jwk = Environment.GetEnvironmentVariable("AGENT_PRIVATE_JWK"));
            var app = builder.Build();
            app.UseAgentAuth();
            app.MapGet("/whoami", (ClaimsPrincipal agent) => "agent " + agent.FindFirst("sub")?.Value).RequireAuthorization();
            app.MapOpenApi();
            await app.StartAsync();
            var address = app.Urls.First();

            var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("agent");
            using (var response = await client.GetAsync(new Uri(new Uri(address), "/whoami")))
            {
                Console.WriteLine($"self-test: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            Console.WriteLine("replay cache package: " + typeof(PostgreSqlReplayCacheOptions).Assembly.GetName().Name);
            Console.WriteLine("redis stores package: " + typeof(RedisStoreOptions).Assembly.GetName().Name);
            using (var document = await new HttpClient().GetAsync(new Uri(new Uri(address), "/openapi/v1.json")))
            {
                var json = await document.Content.ReadAsStringAsync();
                Console.WriteLine($"openapi: {(int)document.StatusCode} {(json.Contains("\"AgentAuth.HttpMessageSignature\"", StringComparison.Ordinal) ? "AgentAuth.HttpMessageSignature" : "no AgentAuth scheme")}");
            }
            Console.WriteLine("listening: " + address);
            await app.WaitForShutdownAsync();
            """);

        var publicJwk = JsonNode.Parse(agentKey.ExportPublicJwkJson())!.AsObject();
        publicJwk["kid"] = "sample-agent-ed25519";
        var settings = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
            ["Authentication"] = new JsonObject
            {
                ["Schemes"] = new JsonObject
                {
                    ["AgentAuth"] = new JsonObject
                    {
                        ["AgentKeys"] = new JsonObject { ["JsonWebKeySet"] = new JsonObject { ["keys"] = new JsonArray(publicJwk) }.ToJsonString() },
                    },
                },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), settings.ToJsonString());
        return app;
    }

    /// <summary>The package sources this machine's NuGet configuration enables (the test names no registry itself).</summary>
    private static async Task<string[]> RegistriesAsync()
    {
        var list = await DotnetCli.RunAsync(SampleFiles.Root, TimeSpan.FromMinutes(1), null, "nuget", "list", "source", "--format", "short");
        Assert.True(list.ExitCode == 0, list.Output);
        var sources = list.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("E ", StringComparison.Ordinal))
            .Select(l => l[2..].Trim()).ToArray();
        Assert.True(sources.Length > 0, "No enabled NuGet source: " + list.Output);
        return sources;
    }
}
