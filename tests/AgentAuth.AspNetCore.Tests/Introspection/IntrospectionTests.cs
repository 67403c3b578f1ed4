using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static AgentAuth.AspNetCore.Tests.Introspection.IntrospectionTestHost;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>
/// Opaque tokens judged by an RFC 7662 introspection endpoint (issue 19), through the real scheme against a loopback
/// authorization server on Kestrel: active and inactive answers, the principal, key binding, client authentication,
/// single-flight, failing closed, and cache bounds on the scheme's clock.
/// </summary>
public sealed class IntrospectionTests
{
    [Fact]
    public async Task Active_opaque_token_maps_to_the_same_principal_as_a_JWT()
    {
        await using var test = await StartAsync();
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        var principal = await PrincipalAsync(await test.GetAsync(token));

        Assert.Equal(["agent-7"], ClaimValues(principal, "sub"));
        Assert.Equal(["read:data", "write:data"], ClaimValues(principal, "scope"));
        Assert.Equal(["broker-client"], ClaimValues(principal, "client_id"));
        Assert.Equal(["bearer"], ClaimValues(principal, "auth_method"));
        Assert.Empty(ClaimValues(principal, "active"));
        Assert.Equal("orchestrator-1", principal["actors"]![0]!.AsArray().Single(c => c![0]!.GetValue<string>() == "sub")![1]!.GetValue<string>());
        var call = Assert.Single(test.Server.Received);
        Assert.Equal(token, call.Form["token"]);
        Assert.Equal("access_token", call.Form["token_type_hint"]);
    }

    [Fact]
    public async Task Inactive_answer_is_401_invalid_token()
    {
        await using var test = await StartAsync();

        var response = await test.GetAsync(NewOpaqueToken());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_answer_with_a_past_exp_is_refused()
    {
        await using var test = await StartAsync();
        var token = NewOpaqueToken();
        var claims = Claims();
        claims["exp"] = TestTokens.NowSeconds - 1;
        test.Server.Issue(token, claims);

        var response = await test.GetAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_answer_for_another_audience_or_issuer_is_refused()
    {
        await using var test = await StartAsync();
        var otherAudience = NewOpaqueToken();
        var claims = Claims();
        claims["aud"] = "https://other-api.example";
        test.Server.Issue(otherAudience, claims);
        var otherIssuer = NewOpaqueToken();
        claims = Claims();
        claims["iss"] = "https://evil.example";
        test.Server.Issue(otherIssuer, claims);

        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(otherAudience)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(otherIssuer)).StatusCode);
    }

    [Fact]
    public async Task Bound_introspected_token_without_its_proof_is_refused_and_with_its_DPoP_proof_accepted()
    {
        using var proofKey = SignatureKey.GenerateEcdsaP256();
        await using var test = await StartAsync();
        var token = NewOpaqueToken();
        var claims = Claims();
        claims["cnf"] = new JsonObject { ["jkt"] = proofKey.Thumbprint };
        test.Server.Issue(token, claims);

        var bearer = await test.GetAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
        Assert.Contains("bound to a key", bearer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var otherKey = SignatureKey.GenerateEcdsaP256();
        Assert.Equal(HttpStatusCode.Unauthorized, (await test.Host.SendAsync(DPoPRequest(test, token, otherKey))).StatusCode);

        var principal = await PrincipalAsync(await test.Host.SendAsync(DPoPRequest(test, token, proofKey)));
        Assert.Equal(["dpop"], ClaimValues(principal, "auth_method"));
        Assert.Equal([proofKey.Thumbprint], ClaimValues(principal, "cnf_jkt"));
        Assert.Equal(["agent-7"], ClaimValues(principal, "sub"));
    }

    private static HttpRequestMessage DPoPRequest(IntrospectionTestHost test, string token, SignatureKey key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.TryAddWithoutValidation("DPoP", new TestProofBuilder(key, "ES256", "GET", Protected, token, test.Time.GetUtcNow()).Build());
        return request;
    }

    [Fact]
    public async Task Client_secret_basic_sends_form_urlencoded_credentials_in_Basic()
    {
        await using var test = await StartAsync(i =>
        {
            i.ClientAuthentication = TokenIntrospectionClientAuthentication.ClientSecretBasic;
            i.ClientId = "api:one";
            i.ClientSecret = "s3cr=t&x";
        });
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));

        var call = Assert.Single(test.Server.Received);
        Assert.StartsWith("Basic ", call.Authorization, StringComparison.Ordinal);
        // RFC 6749 §2.3.1: each part form-urlencoded, then joined with ':'.
        Assert.Equal("api%3Aone:s3cr%3Dt%26x", Encoding.UTF8.GetString(Convert.FromBase64String(call.Authorization!["Basic ".Length..])));
        Assert.False(call.Form.ContainsKey("client_secret"));
    }

    [Fact]
    public async Task Client_secret_post_sends_credentials_in_the_form()
    {
        await using var test = await StartAsync(i =>
        {
            i.ClientAuthentication = TokenIntrospectionClientAuthentication.ClientSecretPost;
            i.ClientId = "api-one";
            i.ClientSecret = "secret-1";
        });
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));

        var call = Assert.Single(test.Server.Received);
        Assert.Equal("api-one", call.Form["client_id"]);
        Assert.Equal("secret-1", call.Form["client_secret"]);
        Assert.True(string.IsNullOrEmpty(call.Authorization));
    }

    [Fact]
    public async Task Private_key_jwt_sends_a_client_assertion_signed_with_the_configured_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var test = await StartAsync(i =>
        {
            i.ClientAuthentication = TokenIntrospectionClientAuthentication.PrivateKeyJwt;
            i.ClientId = "api-one";
            i.ClientAssertionPrivateKeyPem = ecdsa.ExportPkcs8PrivateKeyPem();
            i.ClientAssertionKeyId = "api-key-1";
        });
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));

        var call = Assert.Single(test.Server.Received);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", call.Form["client_assertion_type"]);
        Assert.False(call.Form.ContainsKey("client_secret"));
        var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo(), out _);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(call.Form["client_assertion"], new TokenValidationParameters
        {
            IssuerSigningKey = new ECDsaSecurityKey(publicKey),
            ValidIssuer = "api-one",
            ValidAudience = test.Server.IntrospectionEndpoint,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var assertion = (JsonWebToken)result.SecurityToken;
        Assert.Equal("api-one", assertion.Subject);
        Assert.Equal("api-key-1", assertion.Kid);
        Assert.Equal("ES256", assertion.Alg);
        Assert.False(string.IsNullOrEmpty(assertion.Id));
        Assert.Equal(TestTokens.NowSeconds + 60, assertion.GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task Sixty_four_concurrent_requests_with_one_new_token_make_exactly_one_call()
    {
        await using var test = await StartAsync();
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());
        test.Server.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var requests = Enumerable.Range(0, 64).Select(_ => test.GetAsync(token)).ToArray();
        await test.Server.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Let the other 63 reach the scheme while the one call is held.
        await Task.Delay(200);
        test.Server.Hold.SetResult();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, test.Server.Calls);
    }

    [Theory]
    [InlineData("Down")]
    [InlineData("Garbage")]
    [InlineData("Redirect")]
    [InlineData("Huge")]
    public async Task Endpoint_failure_fails_closed_with_503_Retry_After_a_log_line_and_a_metric(string failure)
    {
        var mode = Enum.Parse<TestIntrospectionServer.ServerMode>(failure);
        using var metrics = new IntrospectionMetricListener();
        await using var test = await StartAsync(i => i.MaxResponseBytes = 64 * 1024);
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());
        test.Server.Mode = mode;

        var response = await test.GetAsync(token);

        AssertUnavailable(response);
        Assert.Contains(test.Host.Logs.Lines, l => l.EventId.Id == 7261 && l.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.DoesNotContain(test.Host.Logs.Lines, l => l.Message.Contains(token, StringComparison.Ordinal));
        Assert.Contains(metrics.Outcomes, o => o is "http_error" or "invalid_response");

        // The outage is not cached: once the endpoint answers, the token is accepted.
        test.Server.Mode = TestIntrospectionServer.ServerMode.Normal;
        await PrincipalAsync(await test.GetAsync(token));
    }

    [Fact]
    public async Task Slow_endpoint_fails_closed_with_503_after_the_timeout()
    {
        await using var test = await StartAsync(i => i.Timeout = TimeSpan.FromSeconds(2));
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());
        test.Server.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = test.GetAsync(token);
        await test.Server.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        test.Time.Advance(TimeSpan.FromSeconds(3));
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(30));

        AssertUnavailable(response);
        Assert.Contains(test.Host.Logs.Lines, l => l.EventId.Id == 7261 && l.Message.Contains("timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unreachable_endpoint_fails_closed_with_503()
    {
        var server = await TestIntrospectionServer.StartAsync();
        var endpoint = server.IntrospectionEndpoint;
        await server.DisposeAsync();
        await using var test = await StartAsync(i => i.Endpoint = endpoint);

        AssertUnavailable(await test.GetAsync(NewOpaqueToken()));
    }

    private static void AssertUnavailable(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        // 503 says "not now", not "authenticate differently": no challenge list, a Retry-After (AgentAuthChallengeWriter).
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        // The code a client acts on is still on the wire: RFC 6749 §5.2's error-response shape in the body.
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        Assert.Equal("temporarily_unavailable", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Active_answer_is_cached_until_CacheDuration_then_asked_again()
    {
        await using var test = await StartAsync(i => i.CacheDuration = TimeSpan.FromSeconds(60));
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));
        test.Time.Advance(TimeSpan.FromSeconds(59));
        await PrincipalAsync(await test.GetAsync(token));
        Assert.Equal(1, test.Server.Calls);

        // Released at the server: refused from the first request after the cache bound.
        test.Server.Release(token);
        test.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(token)).StatusCode);
        Assert.Equal(2, test.Server.Calls);
    }

    [Fact]
    public async Task Active_answer_is_never_cached_past_the_token_exp()
    {
        await using var test = await StartAsync(i => i.CacheDuration = TimeSpan.FromMinutes(10));
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims(lifetimeSeconds: 30));

        await PrincipalAsync(await test.GetAsync(token));
        test.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(token)).StatusCode);
    }

    [Fact]
    public async Task Inactive_answer_is_cached_briefly()
    {
        await using var test = await StartAsync(i => i.InactiveCacheDuration = TimeSpan.FromSeconds(5));
        var token = NewOpaqueToken();

        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(token)).StatusCode);
        Assert.Equal(1, test.Server.Calls);

        test.Server.Issue(token, Claims());
        test.Time.Advance(TimeSpan.FromSeconds(6));
        await PrincipalAsync(await test.GetAsync(token));
        Assert.Equal(2, test.Server.Calls);
    }

    [Fact]
    public async Task Cache_off_still_uses_the_hash_keyed_answer_cache()
    {
        await using var test = await StartAsync(configure: o => o.EnableTokenCache = false);
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());

        await PrincipalAsync(await test.GetAsync(token));
        await PrincipalAsync(await test.GetAsync(token));

        Assert.Equal(1, test.Server.Calls);
    }

    [Fact]
    public async Task Endpoint_comes_from_the_issuers_RFC_8414_metadata()
    {
        var server = await TestIntrospectionServer.StartAsync();
        await using var test = await StartAsync(server: server, configure: o =>
        {
            var issuer = o.Issuers[0];
            issuer.Issuer = server.BaseAddress;
            issuer.MetadataAddress = server.BaseAddress + "/.well-known/oauth-authorization-server";
            issuer.Introspection.Endpoint = null;
        });
        var token = NewOpaqueToken();
        var claims = Claims();
        claims["iss"] = server.BaseAddress;
        server.Issue(token, claims);

        await PrincipalAsync(await test.GetAsync(token));
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task JWTs_that_do_not_ask_for_introspection_make_no_call()
    {
        using var key = SignatureKey.GenerateEd25519();
        await using var test = await StartAsync(configure: o => o.Issuers.Add(new TokenIssuerOptions
        {
            Issuer = TestTokens.Issuer,
            JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(key, null)),
        }));

        await PrincipalAsync(await test.GetAsync(TestTokens.Mint(key, "EdDSA", header: TestTokens.Header("EdDSA", null))));

        Assert.Equal(0, test.Server.Calls);
    }

    /// <summary>Collects the <c>outcome</c> tags of <c>agentauth.introspection.requests</c>.</summary>
    private sealed class IntrospectionMetricListener : IDisposable
    {
        private readonly MeterListener _listener = new();

        public IntrospectionMetricListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "agentauth.introspection.requests")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "outcome")
                    {
                        Outcomes.Add((string)tag.Value!);
                    }
                }
            });
            _listener.Start();
        }

        public System.Collections.Concurrent.ConcurrentBag<string> Outcomes { get; } = [];

        public void Dispose() => _listener.Dispose();
    }
}
