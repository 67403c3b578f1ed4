using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using static AgentAuth.AspNetCore.Tests.Introspection.IntrospectionTestHost;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>
/// Introspection and revocation, second pass (issue 19 follow-up): an introspected token is also known by its
/// <c>jti</c>; the scheme cannot run without a revocation store; <c>private_key_jwt</c> with Ed25519; the revocation
/// endpoint records only what a verified token says.
/// </summary>
public sealed class RevocationSecondPassTests : IAsyncLifetime
{
    private const string RevokePolicy = "revokers";
    private readonly SignatureKey _issuerKey = SignatureKey.GenerateEd25519("iss-ed");
    private HandlerHost? _host;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _issuerKey.Dispose();
    }

    // ---- 1. an introspected token whose answer carries a jti is revoked by that jti too ----

    [Fact]
    public async Task Introspected_token_is_refused_when_the_jti_of_its_answer_is_revoked_even_from_the_token_cache()
    {
        await using var test = await IntrospectionTestHost.StartAsync();
        var store = test.Host.App.Services.GetRequiredService<IRevocationStore>();
        var cached = NewOpaqueToken();
        var claims = Claims();
        claims["jti"] = "op-jti-cached";
        test.Server.Issue(cached, claims);
        await PrincipalAsync(await test.GetAsync(cached));

        // The same key a JWT of this issuer with this jti is revoked under (jti:{iss}:{jti}).
        await store.RevokeAsync("jti:" + Issuer + ":op-jti-cached", TestTokens.Now.AddHours(1));

        var response = await test.GetAsync(cached);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        // Refused from the token cache, without asking the issuer again.
        Assert.Equal(1, test.Server.Calls);

        // A token whose jti was revoked before its first use is refused on the cache miss as well.
        var fresh = NewOpaqueToken();
        var freshClaims = Claims();
        freshClaims["jti"] = "op-jti-fresh";
        test.Server.Issue(fresh, freshClaims);
        await store.RevokeAsync("jti:" + Issuer + ":op-jti-fresh", TestTokens.Now.AddHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(fresh)).StatusCode);

        // And the hash key still works for a token whose answer has no jti.
        var plain = NewOpaqueToken();
        test.Server.Issue(plain, Claims());
        await PrincipalAsync(await test.GetAsync(plain));
        await store.RevokeAsync(RevocationKeys.ForToken(plain), TestTokens.Now.AddHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(plain)).StatusCode);
    }

    [Fact]
    public async Task Introspected_token_revoked_by_its_hash_stays_refused_when_its_answer_carries_a_jti()
    {
        await using var test = await IntrospectionTestHost.StartAsync();
        var token = NewOpaqueToken();
        var claims = Claims();
        claims["jti"] = "op-jti-hash";
        test.Server.Issue(token, claims);
        await PrincipalAsync(await test.GetAsync(token));

        await test.Host.App.Services.GetRequiredService<IRevocationStore>().RevokeAsync(RevocationKeys.ForToken(token), TestTokens.Now.AddHours(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(token)).StatusCode);
    }

    [Fact]
    public async Task Introspected_token_cache_hit_with_a_jti_makes_two_store_lookups_and_allocates_nothing()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var options = new AgentAuthOptions();
        options.Audiences.Add(TestTokens.Audience);
        var issuer = new TokenIssuerOptions { Issuer = Issuer };
        issuer.Introspection.Endpoint = Issuer + "/introspect";
        issuer.Introspection.OpaqueTokens = true;
        options.Issuers.Add(issuer);
        var answer = Claims();
        answer["active"] = true;
        answer["jti"] = "op-jti-alloc";
        options.BackchannelHttpHandler = new AnswerHandler(answer.ToJsonString());
        var store = new CountingStore(new MemoryRevocationStore(Microsoft.Extensions.Options.Options.Create(new MemoryRevocationStoreOptions()), time));
        var validator = new AgentTokenValidator(options, new KeySourceFactory(options, null, time, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, new JwksMetrics(null)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, store);
        var token = NewOpaqueToken();
        Assert.True((await validator.ValidateAsync(token, default)).Succeeded);
        Hit(validator, token, expectSuccess: true);
        var lookups = store.Lookups;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Hit(validator, token, expectSuccess: true);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // Exactly two lookups per hit: the token's hash and its answer's jti.
        Assert.Equal(lookups + 200, store.Lookups);

        await store.RevokeAsync(RevocationKeys.ForJti(Issuer, "op-jti-alloc"), TestTokens.Now.AddHours(1));
        Hit(validator, token, expectSuccess: false);
    }

#pragma warning disable CA2012 // The cache hit completes synchronously; the test asserts it before reading Result.
    private static void Hit(AgentTokenValidator validator, string token, bool expectSuccess)
    {
        var pending = validator.ValidateAsync(token, default);
        Assert.True(pending.IsCompletedSuccessfully);
        // Assert.True, not Assert.Equal: xunit's equality comparer allocates, this must not.
        Assert.True(pending.Result.Succeeded == expectSuccess);
    }
#pragma warning restore CA2012

    // ---- 2. the scheme cannot run without a revocation store ----

    [Fact]
    public async Task Scheme_refuses_to_start_when_the_revocation_store_registration_is_removed()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestTokens.Now));
        builder.Services.AddAuthentication().AddAgentAuth(o =>
        {
            o.AllowBearerTokens = true;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(_issuerKey, null)) });
        });
        builder.Services.RemoveAll<IRevocationStore>();
        await using var app = builder.Build();
        app.UseAgentAuth();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(nameof(IRevocationStore), error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_store_registered_by_the_app_replaces_the_in_memory_default()
    {
        var custom = new RecordingStore();
        var host = await StartAsync(services: s => s.AddSingleton<IRevocationStore>(custom));
        var token = Token();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(token)).StatusCode);
        Assert.Contains("jti:" + TestTokens.Issuer + ":" + Jti(token), custom.Asked);

        custom.Revoked.Add("jti:" + TestTokens.Issuer + ":" + Jti(token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(token)).StatusCode);
        Assert.IsType<RecordingStore>(host.App.Services.GetRequiredService<IRevocationStore>());
    }

    // ---- 3. private_key_jwt with Ed25519 ----

    [Fact]
    public async Task Private_key_jwt_with_an_Ed25519_key_signs_the_client_assertion_with_alg_Ed25519()
    {
        var (pem, publicKey) = NewEd25519Pem();
        using (publicKey)
        {
            await using var test = await IntrospectionTestHost.StartAsync(i =>
            {
                i.ClientAuthentication = TokenIntrospectionClientAuthentication.PrivateKeyJwt;
                i.ClientId = "api-ed";
                i.ClientAssertionPrivateKeyPem = pem;
                i.ClientAssertionKeyId = "api-ed-1";
            });
            var token = NewOpaqueToken();
            test.Server.Issue(token, Claims());

            await PrincipalAsync(await test.GetAsync(token));

            var call = Assert.Single(test.Server.Received);
            Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", call.Form["client_assertion_type"]);
            Assert.Equal("api-ed", call.Form["client_id"]);
            var (header, payload) = VerifyAssertion(call.Form["client_assertion"], publicKey, "Ed25519");
            Assert.Equal("Ed25519", header["alg"]!.GetValue<string>());
            Assert.Equal("api-ed-1", header["kid"]!.GetValue<string>());
            Assert.Equal("api-ed", payload["iss"]!.GetValue<string>());
            Assert.Equal("api-ed", payload["sub"]!.GetValue<string>());
            Assert.Equal(test.Server.IntrospectionEndpoint, payload["aud"]!.GetValue<string>());
            Assert.Equal(TestTokens.NowSeconds + 60, payload["exp"]!.GetValue<long>());
            Assert.Equal(TestTokens.NowSeconds, payload["iat"]!.GetValue<long>());
            Assert.False(string.IsNullOrEmpty(payload["jti"]!.GetValue<string>()));

            // A second call carries a new jti (RFC 7523 §3: the assertion is single use).
            var second = NewOpaqueToken();
            test.Server.Issue(second, Claims());
            await PrincipalAsync(await test.GetAsync(second));
            var jtis = test.Server.Received.Select(c => VerifyAssertion(c.Form["client_assertion"], publicKey, "Ed25519").Payload["jti"]!.GetValue<string>()).ToArray();
            Assert.Equal(2, jtis.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public async Task Private_key_jwt_with_an_Ed25519_key_uses_EdDSA_only_when_configured()
    {
        var (pem, publicKey) = NewEd25519Pem();
        using (publicKey)
        {
            await using var test = await IntrospectionTestHost.StartAsync(i =>
            {
                i.ClientAuthentication = TokenIntrospectionClientAuthentication.PrivateKeyJwt;
                i.ClientId = "api-ed";
                i.ClientAssertionPrivateKeyPem = pem;
                i.ClientAssertionAlgorithm = "EdDSA";
            });
            var token = NewOpaqueToken();
            test.Server.Issue(token, Claims());

            await PrincipalAsync(await test.GetAsync(token));

            var (header, _) = VerifyAssertion(Assert.Single(test.Server.Received).Form["client_assertion"], publicKey, "EdDSA");
            Assert.Equal("EdDSA", header["alg"]!.GetValue<string>());
            Assert.False(header.ContainsKey("kid"));
        }
    }

    [Fact]
    public async Task Private_key_jwt_with_an_RSA_key_signs_RS256()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        await using var test = await IntrospectionTestHost.StartAsync(i =>
        {
            i.ClientAuthentication = TokenIntrospectionClientAuthentication.PrivateKeyJwt;
            i.ClientId = "api-rsa";
            i.ClientAssertionPrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem();
        });
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));

        using var publicKey = SignatureKey.FromRsa(rsa, HttpSignatureAlgorithms.RsaV15Sha256);
        var (header, payload) = VerifyAssertion(Assert.Single(test.Server.Received).Form["client_assertion"], publicKey, "RS256");
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal("api-rsa", payload["sub"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("HS256")]
    [InlineData("none")]
    public async Task Private_key_jwt_fails_startup_naming_the_option_when_the_algorithm_does_not_fit_the_key(string alg)
    {
        var (pem, publicKey) = NewEd25519Pem();
        publicKey.Dispose();
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => IntrospectionTestHost.StartAsync(i =>
        {
            i.ClientAuthentication = TokenIntrospectionClientAuthentication.PrivateKeyJwt;
            i.ClientId = "api-ed";
            i.ClientAssertionPrivateKeyPem = pem;
            i.ClientAssertionAlgorithm = alg;
        }));
        Assert.Contains("ClientAssertionAlgorithm", error.Message, StringComparison.Ordinal);
    }

    // ---- 4. the revocation endpoint records only what a verified token says ----

    [Fact]
    public async Task Revocation_endpoint_refuses_a_forged_JWT_naming_a_real_tokens_jti_and_revokes_nothing()
    {
        var host = await StartAsync(mapRevocation: true);
        var victim = Token();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(victim)).StatusCode);

        // Same iss and jti as the victim, signed by a key the issuer never published.
        using var attackerKey = SignatureKey.GenerateEd25519("iss-ed");
        var claims = TestTokens.Claims(lifetimeSeconds: 86_400 * 365);
        claims["jti"] = Jti(victim);
        var forged = TestTokens.Mint(attackerKey, "EdDSA", claims);

        var response = await RevokeAsync(host, new FormUrlEncodedContent([new("token", forged)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(victim)).StatusCode);
        Assert.False(await host.App.Services.GetRequiredService<IRevocationStore>().IsRevokedAsync(RevocationKeys.ForJti(TestTokens.Issuer, Jti(victim))));
        Assert.Contains(host.Logs.Lines, l => l.EventId.Id == 7271);
    }

    [Fact]
    public async Task Revocation_endpoint_refuses_a_JWT_of_an_unconfigured_issuer()
    {
        var host = await StartAsync(mapRevocation: true);
        var claims = TestTokens.Claims();
        claims["iss"] = "https://stranger.example";
        var stranger = TestTokens.Mint(_issuerKey, "EdDSA", claims);

        var response = await RevokeAsync(host, new FormUrlEncodedContent([new("token", stranger)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await host.App.Services.GetRequiredService<IRevocationStore>().IsRevokedAsync(RevocationKeys.ForJti("https://stranger.example", claims["jti"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Revocation_endpoint_refuses_a_token_together_with_other_identifiers()
    {
        var host = await StartAsync(mapRevocation: true);
        var mine = Token();
        var other = Token();

        // A verified token and, next to it, the jti of another: the body may name one token only.
        var response = await RevokeAsync(host, JsonContent.Create(new { token = mine, iss = TestTokens.Issuer, jti = Jti(other) }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(other)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(mine)).StatusCode);
    }

    [Fact]
    public async Task Revocation_endpoint_revokes_an_expired_or_foreign_audience_JWT_of_a_configured_issuer_by_its_verified_jti()
    {
        var host = await StartAsync(mapRevocation: true);
        var claims = TestTokens.Claims();
        claims["aud"] = "https://elsewhere.example";
        var foreign = TestTokens.Mint(_issuerKey, "EdDSA", claims);

        var response = await RevokeAsync(host, new FormUrlEncodedContent([new("token", foreign)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await host.App.Services.GetRequiredService<IRevocationStore>().IsRevokedAsync(RevocationKeys.ForJti(TestTokens.Issuer, claims["jti"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Revocation_endpoint_answers_503_when_the_issuers_keys_cannot_be_loaded_to_verify_the_token()
    {
        const string downIssuer = "https://down.example";
        var host = await StartAsync(mapRevocation: true, configure: o => o.Issuers.Add(new TokenIssuerOptions
        {
            Issuer = downIssuer,
            // Nothing listens on port 1: the key fetch fails, so the token can be neither verified nor refused.
            JwksUri = "http://127.0.0.1:1/jwks",
            RequireHttpsMetadata = false,
        }));
        var claims = TestTokens.Claims();
        claims["iss"] = downIssuer;
        var token = TestTokens.Mint(_issuerKey, "EdDSA", claims);

        var response = await RevokeAsync(host, new FormUrlEncodedContent([new("token", token)]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("temporarily_unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await host.App.Services.GetRequiredService<IRevocationStore>().IsRevokedAsync(RevocationKeys.ForJti(downIssuer, claims["jti"]!.GetValue<string>())));
        Assert.Contains(host.Logs.Lines, l => l.EventId.Id == 7272);
    }

    [Fact]
    public async Task Revocation_endpoint_revokes_an_opaque_token_by_its_hash_without_verification()
    {
        var host = await StartAsync(mapRevocation: true);
        var opaque = NewOpaqueToken();

        var response = await RevokeAsync(host, JsonContent.Create(new { token = opaque, exp = TestTokens.NowSeconds + 600 }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await host.App.Services.GetRequiredService<IRevocationStore>().IsRevokedAsync(RevocationKeys.ForToken(opaque)));
    }

    // ---- helpers ----

    private async Task<HandlerHost> StartAsync(bool mapRevocation = false, Action<IServiceCollection>? services = null, Action<AgentAuthOptions>? configure = null)
    {
        _host = await HandlerHost.StartAsync(o =>
        {
            o.IncludeErrorDetails = true;
            o.AllowBearerTokens = true;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(_issuerKey, null)) });
            configure?.Invoke(o);
        }, s =>
        {
            s.AddAuthorization(a => a.AddPolicy(RevokePolicy, p => p.RequireClaim("scope", "agentauth:revoke")));
            services?.Invoke(s);
        }, beforeAuthentication: mapRevocation ? app => app.MapAgentAuthRevocation("/agentauth/revoke", RevokePolicy) : null);
        return _host;
    }

    private async Task<HttpResponseMessage> RevokeAsync(HandlerHost host, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, host.Url("/agentauth/revoke")) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token(c => c["scope"] = "agentauth:revoke"));
        return await host.SendAsync(request);
    }

    private string Token(Action<JsonObject>? claims = null)
    {
        var payload = TestTokens.Claims();
        claims?.Invoke(payload);
        return TestTokens.Mint(_issuerKey, "EdDSA", payload);
    }

    private Task<HttpResponseMessage> GetAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TokenSetup.Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return _host!.SendAsync(request);
    }

    private static string Jti(string token) => JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!["jti"]!.GetValue<string>();

    /// <summary>A new Ed25519 private key as RFC 8410 PKCS#8 PEM, and its public key.</summary>
    internal static (string Pem, SignatureKey PublicKey) NewEd25519Pem()
    {
        var seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        // OneAsymmetricKey { version 0, AlgorithmIdentifier { id-Ed25519 }, privateKey OCTET STRING { CurvePrivateKey OCTET STRING } }.
        byte[] prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
        var pem = "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String([.. prefix, .. seed]) + "\n-----END PRIVATE KEY-----\n";
        using var privateKey = SignatureKey.ImportPem(pem);
        var publicJwk = JsonNode.Parse(privateKey.ExportPublicJwkJson())!;
        var publicKey = SignatureKey.CreateEd25519(Base64UrlEncoder.DecodeBytes(publicJwk["x"]!.GetValue<string>()));
        return (pem, publicKey);
    }

    internal static (JsonObject Header, JsonObject Payload) VerifyAssertion(string assertion, SignatureKey publicKey, string alg)
    {
        var parts = assertion.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.True(publicKey.VerifyJose(alg, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64UrlEncoder.DecodeBytes(parts[2])),
            "the client assertion does not verify with the configured key under " + alg);
        return (JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject(), JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject());
    }

    private sealed class AnswerHandler(string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
    }

    private sealed class CountingStore(IRevocationStore inner) : IRevocationStore
    {
        private int _lookups;

        public int Lookups => Volatile.Read(ref _lookups);

        public ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _lookups);
            return inner.IsRevokedAsync(key, cancellationToken);
        }

        public ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            inner.RevokeAsync(key, expiresAt, cancellationToken);
    }

    private sealed class RecordingStore : IRevocationStore
    {
        public HashSet<string> Revoked { get; } = new(StringComparer.Ordinal);

        public System.Collections.Concurrent.ConcurrentBag<string> Asked { get; } = [];

        public ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default)
        {
            Asked.Add(key);
            return new(Revoked.Contains(key));
        }

        public ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
        {
            Revoked.Add(key);
            return ValueTask.CompletedTask;
        }
    }
}
