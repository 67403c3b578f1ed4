using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.Introspection.IntrospectionTestHost;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>
/// AgentWrit (issue 19): Ed25519 JWTs whose <c>kid</c> is the key's RFC 7638 thumbprint, the broker key configured as a PEM
/// public key, every token confirmed at <c>POST /v1/token/validate</c>, and a token released at the broker refused from
/// the first request after the cache bound.
/// </summary>
public sealed class AgentWritTests : IAsyncLifetime
{
    private const string Broker = "https://agentwrit.example";
    private readonly SignatureKey _brokerKey = SignatureKey.GenerateEd25519();
    private TestIntrospectionServer? _server;
    private HandlerHost? _host;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _brokerKey.Dispose();
    }

    /// <summary>The broker's public key as SubjectPublicKeyInfo PEM (RFC 8410 §4: the Ed25519 OID 1.3.101.112 and the 32-byte key).</summary>
    internal static string Ed25519PublicKeyPem(SignatureKey key)
    {
        var x = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(JsonNode.Parse(key.ExportPublicJwkJson())!["x"]!.GetValue<string>());
        byte[] spki = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. x];
        return "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(spki) + "\n-----END PUBLIC KEY-----\n";
    }

    private async Task<HandlerHost> StartAsync(Action<TokenIssuerOptions>? configure = null)
    {
        _server = await TestIntrospectionServer.StartAsync();
        _host = await HandlerHost.StartAsync(o =>
        {
            o.IncludeErrorDetails = true;
            o.AllowBearerTokens = true;
            o.Audiences.Add(TestTokens.Audience);
            var issuer = new TokenIssuerOptions { Issuer = Broker, PublicKeyPem = Ed25519PublicKeyPem(_brokerKey), RequireHttpsMetadata = false };
            issuer.Introspection.Format = TokenIntrospectionFormat.AgentWrit;
            issuer.Introspection.Endpoint = _server.ValidateEndpoint;
            configure?.Invoke(issuer);
            o.Issuers.Add(issuer);
        });
        return _host;
    }

    private string Token(out JsonObject claims, SignatureKey? key = null)
    {
        claims = TestTokens.Claims();
        claims["iss"] = Broker;
        claims["scope"] = "read:data";
        return TestTokens.Mint(key ?? _brokerKey, "EdDSA", claims, TestTokens.Header("EdDSA", (key ?? _brokerKey).Thumbprint));
    }

    private Task<HttpResponseMessage> GetAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TokenSetup.Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return _host!.SendAsync(request);
    }

    [Fact]
    public async Task Broker_token_is_validated_locally_then_at_the_broker_and_refused_after_release_once_the_cache_bound_passes()
    {
        var host = await StartAsync();
        var token = Token(out var claims);
        _server!.Issue(token, claims);

        var principal = await PrincipalAsync(await GetAsync(token));
        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
        Assert.Equal(["read:data"], ClaimValues(principal, "scope"));
        var call = Assert.Single(_server.Received);
        Assert.Equal("/v1/token/validate", call.Path);
        Assert.Equal(token, JsonNode.Parse(call.Body)!["token"]!.GetValue<string>());

        // Released at the broker (POST /v1/token/release, 204).
        using var broker = new HttpClient();
        var release = new HttpRequestMessage(HttpMethod.Post, _server.BaseAddress + "/v1/token/release");
        release.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        Assert.Equal(HttpStatusCode.NoContent, (await broker.SendAsync(release)).StatusCode);

        // Within the cache bound (CacheDuration, default 60 s) the answer still stands...
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(token)).StatusCode);
        Assert.Equal(1, _server.Calls);

        // ...and the first request after it is refused.
        host.Time.Advance(TimeSpan.FromSeconds(31));
        var refused = await GetAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("not valid", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, _server.Calls);
    }

    [Fact]
    public async Task Forged_token_is_refused_without_a_call_to_the_broker()
    {
        using var attacker = SignatureKey.GenerateEd25519();
        await StartAsync();
        var forged = Token(out var claims, attacker);
        _server!.Issue(forged, claims);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(forged)).StatusCode);
        Assert.Equal(0, _server.Calls);
    }

    [Fact]
    public async Task Broker_down_fails_closed_with_503()
    {
        await StartAsync();
        var token = Token(out var claims);
        _server!.Issue(token, claims);
        _server.Mode = TestIntrospectionServer.ServerMode.Down;

        var response = await GetAsync(token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Jwts_policy_WhenJtiPresent_skips_tokens_without_jti()
    {
        await StartAsync(i => i.Introspection.Jwts = TokenIntrospectionJwtPolicy.WhenJtiPresent);
        var claims = TestTokens.Claims();
        claims["iss"] = Broker;
        claims.Remove("jti");
        var token = TestTokens.Mint(_brokerKey, "EdDSA", claims, TestTokens.Header("EdDSA", _brokerKey.Thumbprint));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(token)).StatusCode);
        Assert.Equal(0, _server!.Calls);
    }

    [Fact]
    public async Task Issuer_JWKS_key_without_kid_is_found_by_its_thumbprint()
    {
        using var key = SignatureKey.GenerateEd25519();
        var host = await HandlerHost.StartAsync(o =>
        {
            o.AllowBearerTokens = true;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(key, null)) });
        });
        await using (host)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, TokenSetup.Protected);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + TestTokens.Mint(key, "EdDSA", header: TestTokens.Header("EdDSA", key.Thumbprint)));
            Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(request)).StatusCode);

            // A kid that is neither a kid nor a thumbprint of a kid-less key is still unknown.
            var wrong = new HttpRequestMessage(HttpMethod.Get, TokenSetup.Protected);
            wrong.Headers.TryAddWithoutValidation("Authorization", "Bearer " + TestTokens.Mint(key, "EdDSA", header: TestTokens.Header("EdDSA", "not-" + key.Thumbprint)));
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(wrong)).StatusCode);
        }
    }

    [Fact]
    public void PEM_private_key_or_garbage_as_issuer_key_is_refused_at_startup()
    {
        var options = TestTokens.Options(null, i => i.PublicKeyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----");
        var failures = new List<string>();
        KeyOptionsValidation.Validate(options, failures);
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.Issuers[0].PublicKeyPem is not a usable PEM public key", StringComparison.Ordinal));

        options = TestTokens.Options(null, i => i.PublicKeyPem = "not a pem");
        failures.Clear();
        KeyOptionsValidation.Validate(options, failures);
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.Issuers[0].PublicKeyPem", StringComparison.Ordinal));
    }

    [Fact]
    public void Introspection_options_are_validated_at_startup_naming_the_option()
    {
        var options = TestTokens.Options(null, i =>
        {
            i.PublicKeyPem = Ed25519PublicKeyPem(_brokerKey);
            i.Introspection.OpaqueTokens = true;
            i.Introspection.Endpoint = "http://as.example/introspect";
            i.Introspection.ClientAuthentication = TokenIntrospectionClientAuthentication.ClientSecretBasic;
            i.Introspection.CacheDuration = TimeSpan.Zero;
        });
        var second = new TokenIssuerOptions { Issuer = "https://second.example", PublicKeyPem = Ed25519PublicKeyPem(_brokerKey) };
        second.Introspection.OpaqueTokens = true;
        second.Introspection.Endpoint = "https://second.example/introspect";
        options.Issuers.Add(second);
        var failures = new List<string>();
        KeyOptionsValidation.Validate(options, failures);

        Assert.Contains("AgentAuthOptions.Issuers[0].Introspection.Endpoint must use https (or set AgentAuthOptions.Issuers[0].RequireHttpsMetadata = false for development).", failures);
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.Issuers[0].Introspection.ClientId and", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.Issuers[0].Introspection.CacheDuration must be positive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("OpaqueTokens is set on more than one issuer", StringComparison.Ordinal));
    }
}
