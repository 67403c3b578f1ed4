using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Samples;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore.Tests.Packaging;

/// <summary>
/// The shipped assemblies are <c>IsAotCompatible</c>; this proves it end to end: samples/ResourceApi published with
/// <c>PublishAot=true</c> gives no trim or AOT warning (IL2xxx, IL3xxx), and the native executable, started with the
/// sample's own appsettings.json, authenticates signature-only requests and key-bound tokens and serves its JSON.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class NativeAotSampleTests
{
    private readonly PackedSolution _packed;

    public NativeAotSampleTests(PackedSolution packed) => _packed = packed;

    [Fact]
    public async Task Sample_publishes_as_native_AOT_without_warnings_and_the_executable_authenticates_agents()
    {
        Assert.True(OnPath("clang"), "Native AOT needs a platform linker: install clang and zlib1g-dev (Debian: apt-get install clang zlib1g-dev; ./test.sh installs them).");
        var output = Path.Combine(_packed.WorkDirectory, "aot");
        var publish = await DotnetCli.RunAsync(SampleFiles.Root, TimeSpan.FromMinutes(15), null,
            "publish", "samples/ResourceApi/ResourceApi.csproj", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "-p:PublishAot=true", "-o", output,
            "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(_packed.WorkDirectory, "aot-artifacts"),
            "-p:UseSharedCompilation=false", "-nodeReuse:false");
        Assert.True(publish.ExitCode == 0, "Native AOT publish failed:\n" + DotnetCli.Tail(publish.Output));
        Assert.Contains("Generating native code", publish.Output, StringComparison.Ordinal);
        Assert.Empty(publish.CodedWarnings);
        var executable = Path.Combine(output, "ResourceApi");
        Assert.True(File.Exists(executable), "no native executable in " + output);
        Assert.False(File.Exists(Path.Combine(output, "ResourceApi.dll")), "the publish output is IL, not native code");

        using var app = AppProcess.Start(executable, output, null, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Information");
        var listening = await app.WaitForLineAsync(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)", TimeSpan.FromMinutes(1));
        var baseAddress = new Uri(listening.Groups["url"].Value);

        using var plain = new HttpClient { BaseAddress = baseAddress };
        using var health = await plain.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal("{\"status\":\"ok\"}", await health.Content.ReadAsStringAsync());
        using var anonymous = await plain.GetAsync(new Uri("/whoami", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // Signature only, with the key the sample trusts in appsettings.json (bound by the generated configuration binder).
        using var agentKey = DevKey("sample-agent-ed25519.private.jwk.json");
        using (var agent = Client(baseAddress, agentKey, token: null))
        using (var whoami = await agent.GetAsync(new Uri("/whoami", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
            using var body = JsonDocument.Parse(await whoami.Content.ReadAsStringAsync());
            Assert.Equal("sample-agent-ed25519", body.RootElement.GetProperty("subject").GetString());
            Assert.Equal("httpsig", body.RootElement.GetProperty("authenticationMode").GetString());
            Assert.Equal(agentKey.Thumbprint, body.RootElement.GetProperty("keyThumbprint").GetString());
        }

        // A token of the sample issuer bound to a fresh key (cnf.jwk): scopes, a JSON body and its Content-Digest.
        using var boundKey = SignatureKey.GenerateEd25519("any-agent");
        using var bound = Client(baseAddress, boundKey, SampleToken(boundKey, "read:data:1 write:data:*"));
        using var own = await bound.GetAsync(new Uri("/data/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("\"name\":\"alpha\"", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var other = await bound.GetAsync(new Uri("/data/2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using var created = await bound.PostAsync(new Uri("/data", UriKind.Relative),
            new StringContent("{\"name\":\"native\",\"value\":\"aot\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("\"name\":\"native\"", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpClient Client(Uri baseAddress, SignatureKey key, string? token) =>
        new(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = key, AccessToken = token }, new SocketsHttpHandler())) { BaseAddress = baseAddress };

    private static SignatureKey DevKey(string file)
    {
        Assert.True(Jwk.TryParse(SampleFiles.Read("samples/ResourceApi/dev/" + file), out var jwk, out var error), error);
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out error), error);
        return key!;
    }

    private static string SampleToken(SignatureKey agent, string scope)
    {
        using var issuer = DevKey("sample-issuer.private.jwk.json");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = "https://issuer.sample.local",
            ["sub"] = "agent:sample",
            ["aud"] = "http://127.0.0.1:5080",
            ["iat"] = now,
            ["exp"] = now + 300,
            ["scope"] = scope,
            ["cnf"] = new JsonObject { ["jwk"] = JsonNode.Parse(agent.ExportPublicJwkJson()) },
        };
        return TestTokens.Mint(issuer, "EdDSA", claims, TestTokens.Header("EdDSA", issuer.KeyId, "at+jwt"));
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));
}
