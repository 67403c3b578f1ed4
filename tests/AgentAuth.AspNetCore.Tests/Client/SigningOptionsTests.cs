using System.Net;
using System.Security.Cryptography;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>Key sources, configuration binding, IHttpClientFactory integration and validation of <see cref="AgentAuthSigningOptions"/>.</summary>
public sealed class SigningOptionsTests
{
    private static string B64(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    private static string EcPrivateJwk(ECDsa ecdsa, string? kid)
    {
        var p = ecdsa.ExportParameters(includePrivateParameters: true);
        var kidMember = kid is null ? string.Empty : ",\"kid\":\"" + kid + "\"";
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + B64(p.Q.X) + "\",\"y\":\"" + B64(p.Q.Y) + "\",\"d\":\"" + B64(p.D) + "\"" + kidMember + "}";
    }

    public static TheoryData<string> KeySources => new() { "jwk", "jwk-without-kid", "pem-ec", "pem-rsa", "ed25519-seed", "ed25519-seed-and-public" };

    private static AgentAuthSigningOptions OptionsFor(string source)
    {
        switch (source)
        {
            case "jwk":
            case "jwk-without-kid":
                using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return new AgentAuthSigningOptions { Jwk = EcPrivateJwk(ecdsa, source == "jwk" ? "from-jwk" : null) };
                }
            case "pem-ec":
                using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384))
                {
                    return new AgentAuthSigningOptions { PrivateKeyPem = ecdsa.ExportPkcs8PrivateKeyPem() };
                }
            case "pem-rsa":
                using (var rsa = RSA.Create(2048))
                {
                    return new AgentAuthSigningOptions { PrivateKeyPem = rsa.ExportRSAPrivateKeyPem(), Algorithm = HttpSignatureAlgorithms.RsaPssSha512 };
                }
            case "ed25519-seed":
                return new AgentAuthSigningOptions { Ed25519PrivateKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            default:
            {
                // seed || public key, the libsodium layout.
                var seed = RandomNumberGenerator.GetBytes(32);
                using var key = SigningKeyLoader.Load(new AgentAuthSigningOptions { Ed25519PrivateKey = Convert.ToBase64String(seed) }, out _);
                var raw = new byte[64];
                seed.CopyTo(raw, 0);
                System.Buffers.Text.Base64Url.DecodeFromChars(key.ToPublicJwk().X!).CopyTo(raw, 32);
                return new AgentAuthSigningOptions { Ed25519PrivateKey = Convert.ToBase64String(raw) };
            }
        }
    }

    [Theory]
    [MemberData(nameof(KeySources))]
    public async Task Each_key_source_signs_requests_the_server_verifies(string source)
    {
        var options = OptionsFor(source);
        using var publicKey = SigningKeyLoader.Load(options, out _);
        await using var api = await LoopbackAgentApi.StartAsync([publicKey]);
        using var handler = new AgentAuthSigningHandler(options, new RecordingInnerHandler());
        using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = api.BaseAddress };

        var whoami = await LoopbackAgentApi.ReadWhoAmIAsync(await client.GetAsync(new Uri("/whoami", UriKind.Relative)));

        Assert.Equal("httpsig", whoami["mode"]);
        Assert.Equal(publicKey.Thumbprint, handler.KeyThumbprint);
        var expectedKeyId = source == "jwk" ? "from-jwk" : publicKey.Thumbprint;
        Assert.Equal(expectedKeyId, whoami["keyid"]);
    }

    [Fact]
    public void Options_bind_from_configuration_per_named_client()
    {
        var seed = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:KeyId"] = "agent-1",
            ["Agent:Ed25519PrivateKey"] = seed,
            ["Agent:Label"] = "agent",
            ["Agent:Tag"] = "agent-auth",
            ["Agent:CoveredComponents:0"] = "@method",
            ["Agent:CoveredComponents:1"] = "@target-uri",
            ["Agent:CoveredComponents:2"] = "content-type",
            ["Agent:Lifetime"] = "00:00:30",
            ["Agent:IncludeNonce"] = "false",
            ["Agent:ContentDigestAlgorithm"] = "Sha512",
            ["Agent:AccessToken"] = "token-value",
            ["Agent:TokenScheme"] = "AgentToken",
            ["Agent:UseDPoP"] = "true",
            ["Agent:DPoPAlgorithm"] = "Ed25519",
            ["Other:PrivateKeyPem"] = "not used",
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("agent").AddAgentAuthSigning(configuration.GetSection("Agent"));
        services.AddHttpClient("other").AddAgentAuthSigning(configuration.GetSection("Other"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<AgentAuthSigningOptions>>().Get("agent");

        Assert.Equal("agent-1", options.KeyId);
        Assert.Equal(seed, options.Ed25519PrivateKey);
        Assert.Null(options.PrivateKeyPem);
        Assert.Equal("agent", options.Label);
        Assert.Equal("agent-auth", options.Tag);
        Assert.Equal(["@method", "@target-uri", "content-type"], options.CoveredComponents);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Lifetime);
        Assert.False(options.IncludeNonce);
        Assert.Equal(DigestAlgorithm.Sha512, options.ContentDigestAlgorithm);
        Assert.Equal("token-value", options.AccessToken);
        Assert.Equal("AgentToken", options.TokenScheme);
        Assert.True(options.UseDPoP);
        Assert.Equal("Ed25519", options.DPoPAlgorithm);
    }

    [Fact]
    public async Task Factory_client_bound_from_configuration_signs_end_to_end()
    {
        var seed = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var loaded = SigningKeyLoader.Load(new AgentAuthSigningOptions { Ed25519PrivateKey = seed }, out _);
        using var publicKey = SignatureKey.CreateEd25519(System.Buffers.Text.Base64Url.DecodeFromChars(loaded.ToPublicJwk().X!), keyId: "configured-agent");
        await using var api = await LoopbackAgentApi.StartAsync([publicKey]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentAuth:Client:Ed25519PrivateKey"] = seed,
            ["AgentAuth:Client:KeyId"] = "configured-agent",
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("agent", c => c.BaseAddress = api.BaseAddress)
            .AddAgentAuthSigning(configuration.GetSection("AgentAuth:Client"), options => options.IncludeNonce = true);
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("agent");

        using var response = await client.GetAsync(new Uri("/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Invalid_options_fail_with_a_message_naming_the_option()
    {
        using var key = SignatureKey.GenerateEd25519();
        using var publicOnly = SignatureKey.CreateEd25519(System.Buffers.Text.Base64Url.DecodeFromChars(key.ToPublicJwk().X!));

        Assert.Contains("set Key, Jwk, PrivateKeyPem or Ed25519PrivateKey", Fail(new AgentAuthSigningOptions()));
        Assert.Contains("more than one key", Fail(new AgentAuthSigningOptions { Key = key, Ed25519PrivateKey = "AAAA" }));
        Assert.Contains("UseDPoP needs a token", Fail(new AgentAuthSigningOptions { Key = key, UseDPoP = true }));
        Assert.Contains("Label", Fail(new AgentAuthSigningOptions { Key = key, Label = "Sig 1" }));
        Assert.Contains("CoveredComponents[0]", Fail(new AgentAuthSigningOptions { Key = key, CoveredComponents = { "@status" } }));
        Assert.Contains("Lifetime", Fail(new AgentAuthSigningOptions { Key = key, Lifetime = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("no private part", Fail(new AgentAuthSigningOptions { Key = publicOnly }));
        Assert.Contains("Ed25519PrivateKey", Fail(new AgentAuthSigningOptions { Ed25519PrivateKey = Convert.ToBase64String(new byte[31]) }));
        Assert.Contains("Jwk", Fail(new AgentAuthSigningOptions { Jwk = "{\"kty\":\"EC\"}" }));
        Assert.Contains("DPoPAlgorithm", Fail(new AgentAuthSigningOptions { Key = key, AccessToken = "t", UseDPoP = true, DPoPAlgorithm = "ES256" }));

        var services = new ServiceCollection();
        services.AddHttpClient("broken").AddAgentAuthSigning(_ => { });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("broken"));
        Assert.Contains("AgentAuthSigningOptions has no key", error.Message);
    }

    private static string Fail(AgentAuthSigningOptions options) =>
        Assert.Throws<InvalidOperationException>(() => new AgentAuthSigningHandler(options)).Message;
}
