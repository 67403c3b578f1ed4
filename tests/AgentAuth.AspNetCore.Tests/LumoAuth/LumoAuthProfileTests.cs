using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.LumoAuth;

/// <summary>
/// Issue 18, LumoAuth agents: both request shapes, written byte for byte by <c>tests/interop/lumoauth-sign.mjs</c>, sent
/// over real Kestrel (127.0.0.1, raw request target) to a resource whose public origin is <c>https://api.example.com</c>.
/// Accepted with the profile on; tampered method, URL, body, token or key, a replay, and everything with the profile off,
/// refused. The tenant is <see cref="TestTokens.Issuer"/>; a second trusted issuer shows the deviations are the tenant's only.
/// </summary>
public sealed class LumoAuthProfileTests : IAsyncDisposable
{
    private const string Origin = "https://api.example.com";
    private const string AgentId = "https://my-agent.example.com";
    private const string OtherIssuer = "https://other-issuer.example";

    private readonly SignatureKey _tenantKey = SignatureKey.GenerateEd25519("tenant-1");
    private readonly SignatureKey _otherIssuerKey = SignatureKey.GenerateEd25519("other-1");
    private HandlerHost? _host;

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _tenantKey.Dispose();
        _otherIssuerKey.Dispose();
    }

    private async Task<HandlerHost> StartAsync(bool enabled = true, bool registerAgent = true, Action<AgentAuthOptions>? configure = null)
    {
        _host = await HandlerHost.StartAsync(o =>
        {
            o.PublicOrigin = Origin;
            o.IncludeErrorDetails = true;
            o.AllowSignatureOnly = false;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(_tenantKey, alg: null)) });
            o.Issuers.Add(new TokenIssuerOptions { Issuer = OtherIssuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(_otherIssuerKey, alg: null)) });
            o.LumoAuth.Enabled = enabled;
            o.LumoAuth.Issuer = TestTokens.Issuer;
            if (registerAgent)
            {
                o.LumoAuth.Agents.Add(new LumoAuthAgentOptions { Id = AgentId, JsonWebKeySet = TestTokens.Jwks(LumoAuthNode.Public(LumoAuthNode.AgentKey, "key-1")) });
            }
            configure?.Invoke(o);
        }, kestrel: true);
        return _host;
    }

    /// <summary>A LumoAuth auth token bound (<c>cnf.jwk</c>) to <paramref name="boundKey"/>, naming <paramref name="agent"/>.</summary>
    private string Token(JsonObject? boundKey = null, string? agent = AgentId, bool otherIssuer = false)
    {
        var claims = TestTokens.Claims();
        claims["cnf"] = new JsonObject { ["jwk"] = LumoAuthNode.Public(boundKey ?? LumoAuthNode.AgentKey) };
        if (agent is not null)
        {
            claims["agent"] = agent;
        }
        if (otherIssuer)
        {
            claims["iss"] = OtherIssuer;
        }
        return TestTokens.Mint(otherIssuer ? _otherIssuerKey : _tenantKey, "EdDSA", claims);
    }

    private async Task<HttpRequestMessage> SignedAsync(string shape, string method = "GET", string target = "/protected", string? body = null,
        JsonObject? key = null, string? token = null, string kid = "key-1", long? created = null, string? nonce = null, JsonArray? covered = null)
    {
        var job = new JsonObject
        {
            ["shape"] = shape,
            ["method"] = method,
            ["url"] = Origin + target,
            ["body"] = body,
            ["contentType"] = body is not null || shape == "sdk" ? "application/json" : null,
            ["privateJwk"] = (key ?? LumoAuthNode.AgentKey).DeepClone(),
            ["token"] = token ?? Token(),
            ["agentId"] = AgentId,
            ["kid"] = kid,
            ["created"] = created ?? TestTokens.NowSeconds,
            ["nonce"] = nonce ?? "n-" + Guid.NewGuid().ToString("N"),
        };
        if (covered is not null)
        {
            job["covered"] = covered;
        }
        var signed = await LumoAuthNode.SignAsync(job);
        var request = new HttpRequestMessage(new HttpMethod(method), _host!.Url(target));
        if (body is not null || shape == "sdk")
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? string.Empty));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        foreach (var (name, value) in signed["headers"]!.AsObject())
        {
            if (name != "content-type")
            {
                request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
            }
        }
        return request;
    }

    private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri);
        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        if (request.Content is not null)
        {
            clone.Content = new ByteArrayContent(await request.Content.ReadAsByteArrayAsync());
            clone.Content.Headers.ContentType = request.Content.Headers.ContentType;
        }
        return clone;
    }

    /// <summary>A refusal: the status, and the error code in <c>WWW-Authenticate</c> or <c>Signature-Error</c>.</summary>
    private static async Task RefusedAsync(HttpResponseMessage response, string error, HttpStatusCode status = HttpStatusCode.Unauthorized)
    {
        var text = await response.Content.ReadAsStringAsync();
        var headers = string.Join(" | ", Header(response, "WWW-Authenticate")) + " | " + string.Join(" | ", Header(response, "Signature-Error"));
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {headers} {text}");
        Assert.True(headers.Contains("error=\"" + error + "\"", StringComparison.Ordinal) || headers.Contains("error=" + error, StringComparison.Ordinal),
            "Expected error " + error + ", got: " + headers);
    }

    [Fact]
    public async Task Quick_start_GET_is_accepted_with_the_registered_agent_key()
    {
        var host = await StartAsync();
        var principal = await SucceededAsync(await host.SendAsync(await SignedAsync("quickstart")));
        Assert.Equal(["httpsig+jwt"], ClaimValues(principal, "auth_method"));
        Assert.Equal([AgentId + "#key-1"], ClaimValues(principal, "keyid"));
        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
        Assert.Contains(host.Logs.Lines, line => line.EventId.Id == 7240);
    }

    [Fact]
    public async Task Quick_start_POST_with_a_JSON_body_is_accepted()
    {
        var host = await StartAsync();
        var principal = await SucceededAsync(await host.SendAsync(await SignedAsync("quickstart", "POST", "/protected?view=full", "{\"order\":1}")));
        Assert.Equal("{\"order\":1}", principal["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Quick_start_of_an_unregistered_agent_is_accepted_on_the_token_cnf_jwk()
    {
        var host = await StartAsync(registerAgent: false);
        var principal = await SucceededAsync(await host.SendAsync(await SignedAsync("quickstart")));
        // The unregistered agent's keyid text is not an identity: the principal carries the key's thumbprint, no keyid.
        Assert.Empty(ClaimValues(principal, "keyid"));
        Assert.Single(ClaimValues(principal, "cnf_jkt"));
    }

    [Fact]
    public async Task Quick_start_agent_keys_from_a_JWKS_URL_are_fetched_through_the_key_cache()
    {
        var directory = new JwksHandler(TestTokens.Jwks(LumoAuthNode.Public(LumoAuthNode.AgentKey, "key-1")));
        var host = await StartAsync(registerAgent: false, configure: o =>
        {
            o.BackchannelHttpHandler = directory;
            o.LumoAuth.Agents.Add(new LumoAuthAgentOptions { Id = AgentId, JwksUri = AgentId + "/jwks.json" });
        });
        await SucceededAsync(await host.SendAsync(await SignedAsync("quickstart")));
        await SucceededAsync(await host.SendAsync(await SignedAsync("quickstart", target: "/protected?second=1")));
        Assert.Equal(1, directory.Requests);
        Assert.Equal(AgentId + "/jwks.json", directory.LastUri);
        // A kid the directory does not list is unknown (the registered agent's keys, not the token's cnf.jwk, decide).
        await RefusedAsync(await host.SendAsync(await SignedAsync("quickstart", kid: "key-9")), "unknown_key");
    }

    private sealed class JwksHandler(string jwks) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        public string? LastUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            LastUri = request.RequestUri!.AbsoluteUri;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(jwks, Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task Sdk_shape_GET_is_accepted()
    {
        var host = await StartAsync();
        var principal = await SucceededAsync(await host.SendAsync(await SignedAsync("sdk")));
        Assert.Equal(["httpsig+jwt"], ClaimValues(principal, "auth_method"));
    }

    [Fact]
    public async Task Sdk_shape_POST_with_query_and_body_is_accepted()
    {
        var host = await StartAsync();
        var principal = await SucceededAsync(await host.SendAsync(await SignedAsync("sdk", "POST", "/protected?view=full", "{\"order\":2}")));
        Assert.Equal("{\"order\":2}", principal["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("sdk")]
    public async Task Profile_off_refuses_both_shapes(string shape)
    {
        var host = await StartAsync(enabled: false);
        var response = await host.SendAsync(await SignedAsync(shape));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(host.Logs.Lines, line => line.EventId.Id == 7240);
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("sdk")]
    public async Task Tampered_method_is_refused(string shape)
    {
        var host = await StartAsync();
        var request = await SignedAsync(shape, "POST", "/protected", "{\"a\":1}");
        request.Method = HttpMethod.Put;
        var response = await host.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("quickstart", "/protected?admin=1")]
    [InlineData("quickstart", "/PROTECTED")]
    [InlineData("sdk", "/protected?admin=1")]
    [InlineData("sdk", "/PROTECTED")]
    public async Task Tampered_url_is_refused(string shape, string target)
    {
        var host = await StartAsync();
        var request = await SignedAsync(shape);
        request.RequestUri = host.Url(target);
        var response = await host.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("sdk")]
    public async Task Tampered_body_is_refused(string shape)
    {
        var host = await StartAsync();
        var request = await SignedAsync(shape, "POST", "/protected", "{\"amount\":1}");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"amount\":9}"));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await RefusedAsync(await host.SendAsync(request), "invalid_token");
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("sdk")]
    public async Task Tampered_token_is_refused(string shape)
    {
        var host = await StartAsync();
        var request = await SignedAsync(shape);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Tamper(Token()));
        await RefusedAsync(await host.SendAsync(request), "invalid_token");
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("sdk")]
    public async Task A_token_bound_to_another_key_is_refused(string shape)
    {
        var host = await StartAsync(registerAgent: shape == "quickstart");
        // Signed with the agent's key, but the token is bound to someone else's.
        var response = await host.SendAsync(await SignedAsync(shape, token: Token(LumoAuthNode.OtherKey)));
        await RefusedAsync(response, "invalid_token");
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("sdk")]
    public async Task Signed_with_another_key_is_refused(string shape)
    {
        var host = await StartAsync();
        // The attacker's key signs; the token and keyid are the agent's.
        var response = await host.SendAsync(await SignedAsync(shape, key: LumoAuthNode.OtherKey));
        await RefusedAsync(response, "invalid_token");
    }

    [Fact]
    public async Task Quick_start_keyid_naming_no_key_of_the_agent_is_refused()
    {
        var host = await StartAsync();
        await RefusedAsync(await host.SendAsync(await SignedAsync("quickstart", kid: "key-2")), "unknown_key");
    }

    [Fact]
    public async Task Quick_start_with_a_registered_agent_and_an_attacker_key_in_the_token_is_refused()
    {
        // The token is bound to the attacker's key and the attacker signs: the keyid names the registered agent, whose key it is not.
        var host = await StartAsync();
        var response = await host.SendAsync(await SignedAsync("quickstart", key: LumoAuthNode.OtherKey, token: Token(LumoAuthNode.OtherKey)));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Quick_start_replay_is_refused_even_with_a_fresh_created()
    {
        var host = await StartAsync();
        var request = await SignedAsync("quickstart");
        var replay = await CloneAsync(request);
        await SucceededAsync(await host.SendAsync(request));
        await RefusedAsync(await host.SendAsync(replay), "invalid_signature");

        // created is not signed in this shape: moving it gives the same signature value, still refused.
        var moved = await CloneAsync(replay);
        var agentAuth = moved.Headers.GetValues("Agent-Auth").Single();
        moved.Headers.Remove("Agent-Auth");
        moved.Headers.TryAddWithoutValidation("Agent-Auth", agentAuth.Replace("created=" + TestTokens.NowSeconds, "created=" + (TestTokens.NowSeconds + 5), StringComparison.Ordinal));
        await RefusedAsync(await host.SendAsync(moved), "invalid_signature");
        Assert.Contains(host.Logs.Lines, line => line.EventId.Id == 7241);
    }

    [Fact]
    public async Task Sdk_replay_is_refused()
    {
        var host = await StartAsync();
        var request = await SignedAsync("sdk");
        var replay = await CloneAsync(request);
        await SucceededAsync(await host.SendAsync(request));
        await RefusedAsync(await host.SendAsync(replay), "invalid_signature");
    }

    [Fact]
    public async Task Quick_start_with_two_Agent_Auth_lines_is_refused()
    {
        var host = await StartAsync();
        var request = await SignedAsync("quickstart");
        var other = await SignedAsync("quickstart", target: "/protected?other=1");
        request.Headers.TryAddWithoutValidation("Agent-Auth", other.Headers.GetValues("Agent-Auth"));
        await RefusedAsync(await host.SendAsync(request), "invalid_signature");
    }

    [Theory]
    [InlineData("ecdsa-p256-sha256")]
    [InlineData("hmac-sha256")]
    public async Task Quick_start_alg_other_than_ed25519_is_refused(string alg)
    {
        var host = await StartAsync();
        var request = await SignedAsync("quickstart");
        var agentAuth = request.Headers.GetValues("Agent-Auth").Single();
        request.Headers.Remove("Agent-Auth");
        request.Headers.TryAddWithoutValidation("Agent-Auth", agentAuth.Replace("alg=\"ed25519\"", "alg=\"" + alg + "\"", StringComparison.Ordinal));
        await RefusedAsync(await host.SendAsync(request), "unsupported_algorithm");
    }

    [Fact]
    public async Task Sdk_shape_with_a_present_Signature_Key_signed_as_empty_is_refused()
    {
        var host = await StartAsync();
        var request = await SignedAsync("sdk");
        request.Headers.TryAddWithoutValidation("Signature-Key", "sig=hwk;kty=\"OKP\"");
        await RefusedAsync(await host.SendAsync(request), "invalid_token");
    }

    [Fact]
    public async Task Quick_start_created_outside_the_window_is_refused()
    {
        var host = await StartAsync();
        await RefusedAsync(await host.SendAsync(await SignedAsync("quickstart", created: TestTokens.NowSeconds - 3600)), "invalid_signature");
    }

    [Fact]
    public async Task Quick_start_without_a_token_is_refused()
    {
        var host = await StartAsync();
        var request = await SignedAsync("quickstart");
        request.Headers.Authorization = null;
        await RefusedAsync(await host.SendAsync(request), "invalid_token");
    }

    [Fact]
    public async Task Quick_start_covering_only_method_and_target_with_a_body_is_refused()
    {
        var host = await StartAsync();
        var response = await host.SendAsync(await SignedAsync("quickstart", "POST", "/protected", "{\"a\":1}", covered: new JsonArray("@method", "@target-uri")));
        await RefusedAsync(response, "invalid_input");
    }

    [Fact]
    public async Task Quick_start_not_covering_the_target_is_refused()
    {
        var host = await StartAsync();
        await RefusedAsync(await host.SendAsync(await SignedAsync("quickstart", covered: new JsonArray("@method"))), "invalid_input");
    }

    [Fact]
    public async Task Quick_start_token_naming_another_agent_is_refused()
    {
        var host = await StartAsync();
        await RefusedAsync(await host.SendAsync(await SignedAsync("quickstart", token: Token(agent: "https://other-agent.example.com"))), "invalid_token");
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("sdk")]
    public async Task A_token_of_another_trusted_issuer_gets_no_LumoAuth_deviation(string shape)
    {
        var host = await StartAsync();
        var response = await host.SendAsync(await SignedAsync(shape, token: Token(otherIssuer: true)));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Agent_Auth_with_RFC_9421_signature_headers_is_a_bad_request()
    {
        var host = await StartAsync();
        var request = await SignedAsync("quickstart");
        var sdk = await SignedAsync("sdk");
        request.Headers.TryAddWithoutValidation("Signature-Input", sdk.Headers.GetValues("Signature-Input"));
        request.Headers.TryAddWithoutValidation("Signature", sdk.Headers.GetValues("Signature"));
        await RefusedAsync(await host.SendAsync(request), "invalid_request", HttpStatusCode.BadRequest);
    }
}
