using AgentAuth.AspNetCore.Tests.Keys;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Tokens;

/// <summary>Token validation with the issuer's keys served by a real HTTP server (JWKS URL or discovery).</summary>
public sealed class RemoteIssuerTokenTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(TestTokens.Now);
    private readonly SignatureKey _key1 = SignatureKey.GenerateEd25519("k1");
    private readonly SignatureKey _key2 = SignatureKey.GenerateEd25519("k2");
    private TestJwksServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestJwksServer.StartAsync();
        _server.SetJwks(TestTokens.Jwks(TestTokens.PublicJwk(_key1, null)));
    }

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    private AgentTokenValidator JwksUriValidator() => TestTokens.Validator(
        TestTokens.Options(null, i => { i.JwksUri = _server.JwksUri.ToString(); i.RequireHttpsMetadata = false; }),
        _time,
        new SocketsHttpHandler());

    [Fact]
    public async Task Token_validates_with_keys_fetched_once()
    {
        var validator = JwksUriValidator();

        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_key1, "EdDSA"), default)).Succeeded);
        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_key1, "Ed25519"), default)).Succeeded);

        Assert.Equal(1, _server.JwksRequests);
    }

    [Fact]
    public async Task Untrusted_issuer_causes_no_key_fetch()
    {
        var validator = JwksUriValidator();
        var claims = TestTokens.Claims();
        claims["iss"] = "https://attacker.example";

        var outcome = await validator.ValidateAsync(TestTokens.Mint(_key1, "EdDSA", claims), default);

        Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
        Assert.Equal(0, _server.JwksRequests);
    }

    [Fact]
    public async Task Rotated_key_is_found_by_one_forced_refresh_and_unknown_kids_are_throttled()
    {
        var validator = JwksUriValidator();
        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_key1, "EdDSA"), default)).Succeeded);

        _server.SetJwks(TestTokens.Jwks(TestTokens.PublicJwk(_key1, null), TestTokens.PublicJwk(_key2, null)));
        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_key2, "EdDSA"), default)).Succeeded);
        Assert.Equal(2, _server.JwksRequests);

        // Another unknown kid inside RefreshInterval: rejected without a fetch.
        var stranger = SignatureKey.GenerateEd25519("k3");
        for (var i = 0; i < 20; i++)
        {
            var outcome = await validator.ValidateAsync(TestTokens.Mint(stranger, "EdDSA"), default);
            Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
        }
        Assert.Equal(2, _server.JwksRequests);
    }

    [Fact]
    public async Task Keys_unavailable_is_reported_as_such_not_as_an_invalid_token()
    {
        _server.SetStatus(500);
        var validator = JwksUriValidator();

        var outcome = await validator.ValidateAsync(TestTokens.Mint(_key1, "EdDSA"), default);

        Assert.Equal(TokenFailureKind.KeysUnavailable, outcome.Failure);
        Assert.Equal(JwksCache<SignatureKeySecurityKey>.UnavailableReason, outcome.FailureDescription);
    }

    [Fact]
    public async Task Discovery_issuer_validates_and_mismatched_discovery_issuer_is_unavailable()
    {
        var good = TestTokens.Validator(
            TestTokens.Options(null, i => { i.Authority = _server.BaseAddress; i.RequireHttpsMetadata = false; }),
            _time,
            new SocketsHttpHandler());
        // The configured issuer (TestTokens.Issuer) differs from the server's discovery issuer (its base address).
        var outcome = await good.ValidateAsync(TestTokens.Mint(_key1, "EdDSA"), default);
        Assert.Equal(TokenFailureKind.KeysUnavailable, outcome.Failure);
        Assert.Equal(0, _server.JwksRequests);

        _server.DiscoveryIssuer = TestTokens.Issuer;
        var matching = TestTokens.Validator(
            TestTokens.Options(null, i => { i.MetadataAddress = _server.DiscoveryUri.ToString(); i.RequireHttpsMetadata = false; }),
            _time,
            new SocketsHttpHandler());
        Assert.True((await matching.ValidateAsync(TestTokens.Mint(_key1, "EdDSA"), default)).Succeeded);
        Assert.Equal(1, _server.JwksRequests);
    }
}
