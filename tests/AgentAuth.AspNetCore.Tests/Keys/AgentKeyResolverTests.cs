using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Keys;

public sealed class AgentKeyResolverTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(JwksCacheFixture.Start);
    private readonly SignatureKey _inline = SignatureKey.GenerateEd25519("inline-1");
    private readonly SignatureKey _remote = SignatureKey.GenerateEcdsaP256("remote-1");
    private TestJwksServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestJwksServer.StartAsync();
        _server.SetJwks(TestTokens.Jwks(TestTokens.PublicJwk(_remote, "ES256")));
    }

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    private AgentKeyResolver Resolver(AgentAuthOptions options, IHttpClientFactory? factory = null)
    {
        var failures = new List<string>();
        KeyOptionsValidation.Validate(options, failures);
        Assert.Empty(failures);
        return new AgentKeyResolver(new KeySourceFactory(options, factory, _time, NullLoggerFactory.Instance, new JwksMetrics(null)));
    }

    [Fact]
    public async Task Inline_key_is_found_by_kid_and_by_thumbprint()
    {
        var options = new AgentAuthOptions();
        options.AgentKeys.JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(_inline, null));
        var resolver = Resolver(options);

        var byKid = await resolver.ResolveAsync("inline-1", default);
        var byThumbprint = await resolver.ResolveAsync(_inline.Thumbprint, default);
        var unknown = await resolver.ResolveAsync("nope", default);

        Assert.True(byKid.Found);
        Assert.Equal(_inline.Thumbprint, byKid.Key!.Thumbprint);
        Assert.True(byThumbprint.Found);
        Assert.Equal(KeyLookupStatus.UnknownKey, unknown.Status);
    }

    [Fact]
    public async Task Thumbprint_matching_can_be_turned_off()
    {
        var options = new AgentAuthOptions();
        options.AgentKeys.JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(_inline, null));
        options.AgentKeys.MatchThumbprints = false;

        Assert.Equal(KeyLookupStatus.UnknownKey, (await Resolver(options).ResolveAsync(_inline.Thumbprint, default)).Status);
    }

    [Fact]
    public async Task File_and_remote_sources_are_all_searched()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, TestTokens.Jwks(TestTokens.PublicJwk(_inline, null)));
            var options = new AgentAuthOptions();
            options.AgentKeys.JwksFile = file;
            options.AgentKeys.JwksUri = _server.JwksUri.ToString();
            options.AgentKeys.RequireHttpsMetadata = false;
            options.BackchannelHttpHandler = new SocketsHttpHandler();
            var resolver = Resolver(options);

            Assert.True((await resolver.ResolveAsync("inline-1", default)).Found);
            Assert.Equal(0, _server.JwksRequests);
            var remote = await resolver.ResolveAsync("remote-1", default);
            Assert.True(remote.Found);
            Assert.Equal(HttpSignatureAlgorithms.EcdsaP256Sha256, remote.Key!.Algorithm);
            Assert.Equal(1, _server.JwksRequests);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Remote_outage_is_unavailable_with_a_reason()
    {
        _server.SetStatus(502);
        var options = new AgentAuthOptions();
        options.AgentKeys.JwksUri = _server.JwksUri.ToString();
        options.AgentKeys.RequireHttpsMetadata = false;
        options.BackchannelHttpHandler = new SocketsHttpHandler();

        var result = await Resolver(options).ResolveAsync("remote-1", default);

        Assert.Equal(KeyLookupStatus.Unavailable, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }

    [Fact]
    public async Task Named_backchannel_client_sends_the_AgentAuth_user_agent()
    {
        using var services = new ServiceCollection().AddAgentAuthBackchannel().BuildServiceProvider();
        var options = new AgentAuthOptions();
        options.AgentKeys.JwksUri = _server.JwksUri.ToString();
        options.AgentKeys.RequireHttpsMetadata = false;

        var result = await Resolver(options, services.GetRequiredService<IHttpClientFactory>()).ResolveAsync("remote-1", default);

        Assert.True(result.Found);
        Assert.StartsWith("AgentAuth.AspNetCore/", _server.LastUserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Named_backchannel_client_does_not_follow_redirects()
    {
        using var services = new ServiceCollection().AddAgentAuthBackchannel().BuildServiceProvider();
        var options = new AgentAuthOptions();
        options.AgentKeys.JwksUri = _server.BaseAddress + "/moved";
        options.AgentKeys.RequireHttpsMetadata = false;

        var result = await Resolver(options, services.GetRequiredService<IHttpClientFactory>()).ResolveAsync("remote-1", default);

        Assert.Equal(KeyLookupStatus.Unavailable, result.Status);
        Assert.Equal(0, _server.JwksRequests);
    }

    [Fact]
    public async Task Default_http_client_factory_also_sends_the_AgentAuth_user_agent()
    {
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = new AgentAuthOptions();
        options.AgentKeys.JwksUri = _server.JwksUri.ToString();
        options.AgentKeys.RequireHttpsMetadata = false;

        Assert.True((await Resolver(options, services.GetRequiredService<IHttpClientFactory>()).ResolveAsync("remote-1", default)).Found);
        Assert.StartsWith("AgentAuth.AspNetCore/", _server.LastUserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_key_set_with_a_private_key_never_yields_it()
    {
        var leaked = SignatureKey.GenerateEd25519("leaked");
        var jwk = System.Text.Json.Nodes.JsonNode.Parse(leaked.ToPublicJwk().ToJson())!.AsObject();
        jwk["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
        _server.SetJwks(TestTokens.Jwks(jwk, TestTokens.PublicJwk(_remote, "ES256")));
        var options = new AgentAuthOptions();
        options.AgentKeys.JwksUri = _server.JwksUri.ToString();
        options.AgentKeys.RequireHttpsMetadata = false;
        options.BackchannelHttpHandler = new SocketsHttpHandler();
        var resolver = Resolver(options);

        Assert.Equal(KeyLookupStatus.UnknownKey, (await resolver.ResolveAsync("leaked", default)).Status);
        Assert.True((await resolver.ResolveAsync("remote-1", default)).Found);
    }
}
