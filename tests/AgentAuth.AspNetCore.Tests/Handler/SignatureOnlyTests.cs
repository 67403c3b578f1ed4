using System.Net;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>Mode (a): RFC 9421 signature with <c>keyid</c> → configured agent JWKS, no token.</summary>
public sealed class SignatureOnlyTests : IAsyncLifetime
{
    private const string Protected = HandlerHost.Origin + "/protected";
    private static readonly string[] SignatureChallenge = ["Signature"];
    private const string AcceptAlg = "ed25519, ecdsa-p256-sha256, ecdsa-p384-sha384, rsa-pss-sha512, rsa-v1_5-sha256";

    private readonly FakeTimeProvider _time = new(Tokens.TestTokens.Now);
    private TestAgent _agent = null!;
    private HandlerHost? _host;

    public Task InitializeAsync()
    {
        _agent = TestAgent.Ed25519(_time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _agent.Dispose();
    }

    private async Task<HandlerHost> Host(Action<AgentAuthOptions>? configure = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        _host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = _agent.Jwks;
            configure?.Invoke(o);
        }, services, time: _time);
        return _host;
    }

    private HttpRequestMessage Get(string url = Protected) => TestAgent.Request(HttpMethod.Get, url);

    [Fact]
    public async Task Anonymous_endpoint_without_credentials_has_no_result()
    {
        var host = await Host();

        var response = await host.Client.GetAsync("/anonymous");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", await response.Content.ReadAsStringAsync());
        Assert.Empty(Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Protected_endpoint_without_credentials_gets_the_signature_challenge_without_error()
    {
        var host = await Host();

        var response = await host.Client.GetAsync("/protected");

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, signatureError: null);
    }

    [Fact]
    public async Task Signed_request_is_authenticated_as_its_key()
    {
        var host = await Host();

        var principal = await SucceededAsync(await host.SendAsync(_agent.Sign(Get())));

        Assert.Equal("AgentAuth", principal["authenticationType"]!.GetValue<string>());
        Assert.Equal(["agent-ed"], ClaimValues(principal, "sub"));
        Assert.Equal("agent-ed", principal["name"]!.GetValue<string>());
        Assert.Equal(["agent-ed"], ClaimValues(principal, "keyid"));
        Assert.Equal([_agent.Key.Thumbprint], ClaimValues(principal, "cnf_jkt"));
        Assert.Equal(["sig1"], ClaimValues(principal, "sig_label"));
        Assert.Equal(["httpsig"], ClaimValues(principal, "auth_method"));
        Assert.Empty(ClaimValues(principal, "scope"));
    }

    [Fact]
    public async Task Configured_label_selects_among_several_signatures()
    {
        var host = await Host(o => o.Signatures.Label = "agent");
        using var stranger = SignatureKey.GenerateEd25519("stranger");
        var request = _agent.Sign(Get(), label: "other", key: stranger);
        _agent.Sign(request, label: "agent");

        var principal = await SucceededAsync(await host.SendAsync(request));

        Assert.Equal(["agent"], ClaimValues(principal, "sig_label"));
    }

    [Fact]
    public async Task Configured_label_that_is_absent_is_invalid_signature()
    {
        var host = await Host(o => o.Signatures.Label = "agent");

        var response = await host.SendAsync(_agent.Sign(Get(), label: "sig1"));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature",
            acceptSignature: "agent=(\"@method\" \"@authority\" \"@path\");created");
    }

    [Fact]
    public async Task Several_signatures_without_a_label_or_tag_policy_are_refused()
    {
        var host = await Host();
        var request = _agent.Sign(Get(), label: "one");
        _agent.Sign(request, label: "two");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Configured_tag_selects_the_tagged_signature()
    {
        var host = await Host(o => o.Signatures.Tag = "agentauth");
        using var stranger = SignatureKey.GenerateEd25519("stranger");
        var request = _agent.Sign(Get(), label: "untagged", key: stranger);
        _agent.Sign(request, label: "mine", parameters: p => p.Tag = "agentauth");

        var principal = await SucceededAsync(await host.SendAsync(request));

        Assert.Equal(["mine"], ClaimValues(principal, "sig_label"));
    }

    [Fact]
    public async Task Missing_authority_is_invalid_input_with_required_input()
    {
        var host = await Host();

        var response = await host.SendAsync(_agent.Sign(Get(), [SignatureComponent.Method, SignatureComponent.Path]));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge,
            "error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\")");
    }

    [Fact]
    public async Task Query_must_be_covered_when_the_target_has_one()
    {
        var host = await Host();
        var basic = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path };

        var uncovered = await host.SendAsync(_agent.Sign(Get(Protected + "?id=7"), basic));
        var covered = await host.SendAsync(_agent.Sign(Get(Protected + "?id=7")));

        Challenge(uncovered, HttpStatusCode.Unauthorized, SignatureChallenge,
            "error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"@query\")");
        await SucceededAsync(covered);
    }

    [Fact]
    public async Task Content_digest_must_be_covered_when_there_is_a_body()
    {
        var host = await Host();
        var request = TestAgent.Request(HttpMethod.Post, Protected, "{\"a\":1}");

        var response = await host.SendAsync(_agent.Sign(request, [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path]));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge,
            "error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\")");
    }

    [Fact]
    public async Task Body_is_verified_against_content_digest_and_still_readable_by_the_endpoint()
    {
        var host = await Host();
        const string body = "{\"order\":42,\"items\":[\"a\",\"b\"]}";

        var principal = await SucceededAsync(await host.SendAsync(_agent.Sign(TestAgent.Request(HttpMethod.Post, Protected, body))));

        Assert.Equal(body, principal["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tampered_body_is_invalid_signature()
    {
        var host = await Host();
        var request = _agent.Sign(TestAgent.Request(HttpMethod.Post, Protected, "{\"amount\":1}"));
        request.Content = new StringContent("{\"amount\":9}", System.Text.Encoding.UTF8, "application/json");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Body_larger_than_MaxBodyBytes_is_413()
    {
        var host = await Host(o => o.Signatures.MaxBodyBytes = 16);

        var response = await host.SendAsync(_agent.Sign(TestAgent.Request(HttpMethod.Post, Protected, new string('x', 100))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(["no-store"], Header(response, "Cache-Control"));
        Assert.Empty(Header(response, "WWW-Authenticate"));
        Assert.Empty(Header(response, "Signature-Error"));
    }

    [Theory]
    [InlineData(100, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(16, HttpStatusCode.OK)]
    public async Task Chunked_body_without_length_is_buffered_up_to_MaxBodyBytes(int size, HttpStatusCode expected)
    {
        _host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = _agent.Jwks;
            o.Signatures.MaxBodyBytes = 16;
        }, kestrel: true, time: _time);
        var body = new string('x', size);
        var url = _host.Url("/protected").ToString();
        var request = _agent.Sign(TestAgent.Request(HttpMethod.Post, url, body));
        // The digest was computed over the same bytes; now send them chunked, with no Content-Length (and the signed Content-Type).
        var contentType = request.Content!.Headers.ContentType;
        request.Content = new StreamContent(new NonSeekableStream(System.Text.Encoding.UTF8.GetBytes(body)));
        request.Content.Headers.ContentType = contentType;

        var response = await _host.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(body, (await SucceededAsync(response))["body"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal(["no-store"], Header(response, "Cache-Control"));
        }
    }

    [Fact]
    public async Task Oversized_signature_headers_are_refused_without_a_server_error()
    {
        var host = await Host();
        var request = Get();
        var members = new System.Text.StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            members.Append(i == 0 ? "" : ", ").Append('s').Append(i).Append("=(\"@method\");created=1");
        }
        request.Headers.TryAddWithoutValidation("Signature-Input", members.ToString());
        request.Headers.TryAddWithoutValidation("Signature", "s0=:AAAA:");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Realm_is_on_every_challenge()
    {
        var host = await Host(o => o.Realm = "agents");

        var response = await host.Client.GetAsync("/protected");

        Challenge(response, HttpStatusCode.Unauthorized, ["Signature realm=\"agents\""], signatureError: null);
    }

    [Theory]
    [InlineData(-60, null)]
    [InlineData(-61, "error=invalid_signature")]
    [InlineData(60, null)]
    [InlineData(61, "error=clock_skew")]
    public async Task Created_window_and_clock_skew_edges(int createdOffsetSeconds, string? error)
    {
        var host = await Host();
        var now = _time.GetUtcNow();

        var response = await host.SendAsync(_agent.Sign(Get(), parameters: p => p.Created = now.AddSeconds(createdOffsetSeconds)));

        if (error is null)
        {
            await SucceededAsync(response);
        }
        else
        {
            Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, error);
        }
    }

    [Theory]
    [InlineData(-60, null)]
    [InlineData(-61, "error=invalid_signature")]
    public async Task Expires_is_checked_with_the_clock_skew(int expiresOffsetSeconds, string? error)
    {
        var host = await Host();
        var now = _time.GetUtcNow();

        var response = await host.SendAsync(_agent.Sign(Get(), parameters: p =>
        {
            p.Created = now.AddSeconds(-60);
            p.Expires = now.AddSeconds(expiresOffsetSeconds);
        }));

        if (error is null)
        {
            await SucceededAsync(response);
        }
        else
        {
            Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, error);
        }
    }

    [Fact]
    public async Task Signature_becomes_stale_as_the_app_clock_moves()
    {
        var host = await Host();
        var request = _agent.Sign(Get());
        _time.Advance(TimeSpan.FromSeconds(301));

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Missing_created_is_invalid_signature()
    {
        var host = await Host();

        var response = await host.SendAsync(_agent.Sign(Get(), parameters: p => p.OmitCreated = true));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Unknown_keyid_is_unknown_key()
    {
        var host = await Host();
        using var stranger = SignatureKey.GenerateEd25519("nobody");

        var response = await host.SendAsync(_agent.Sign(Get(), key: stranger));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, "error=unknown_key");
    }

    [Fact]
    public async Task Unreachable_agent_key_directory_is_unknown_key_and_logged_for_operators()
    {
        _host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JwksUri = "https://keys.example/jwks";
            o.BackchannelHttpHandler = new UnreachableHandler();
        }, time: _time);

        var response = await _host.SendAsync(_agent.Sign(Get()));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, "error=unknown_key");
        // Issue 15: the outage is logged once, where it is detected (the key source's fetch), not again per request.
        Assert.Contains(_host.Logs.Lines, l => l.EventId.Name == "JwksFetchFailed" && l.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.DoesNotContain(_host.Logs.Lines, l => l.EventId.Name == "KeysUnavailable");
    }

    [Fact]
    public async Task Known_keyid_with_a_signature_from_another_key_is_invalid_signature()
    {
        var host = await Host();
        using var impostor = SignatureKey.GenerateEd25519("agent-ed");

        var response = await host.SendAsync(_agent.Sign(Get(), key: impostor));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Alg_parameter_contradicting_the_key_is_unsupported_algorithm()
    {
        var host = await Host();
        using var ecdsa = SignatureKey.GenerateEcdsaP256("agent-ed");

        var response = await host.SendAsync(_agent.Sign(Get(), key: ecdsa, parameters: p => p.IncludeAlgorithm = true));

        Challenge(response, HttpStatusCode.Unauthorized, SignatureChallenge, "error=unsupported_algorithm");
        Assert.Equal([AcceptAlg], Header(response, "Accept-Signature-Alg"));
    }

    [Fact]
    public async Task Alg_parameter_confirming_the_key_is_accepted()
    {
        var host = await Host();

        await SucceededAsync(await host.SendAsync(_agent.Sign(Get(), parameters: p => p.IncludeAlgorithm = true)));
    }

    [Fact]
    public async Task Hmac_signature_against_a_public_key_is_rejected()
    {
        var host = await Host();
        using var hmac = SignatureKey.GenerateHmacSha256("agent-ed");

        var withAlg = await host.SendAsync(_agent.Sign(Get(), key: hmac, parameters: p => p.IncludeAlgorithm = true));
        var withoutAlg = await host.SendAsync(_agent.Sign(Get(), key: hmac));

        Challenge(withAlg, HttpStatusCode.Unauthorized, SignatureChallenge, "error=unsupported_algorithm");
        Assert.Equal([AcceptAlg], Header(withAlg, "Accept-Signature-Alg"));
        Challenge(withoutAlg, HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Nonce_is_single_use()
    {
        var host = await Host();
        HttpRequestMessage Make() => _agent.Sign(Get(), parameters: p => p.Nonce = "nonce-0001");

        var first = await host.SendAsync(Make());
        var second = await host.SendAsync(Make());

        await SucceededAsync(first);
        Challenge(second, HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
    }

    [Fact]
    public async Task Rejected_request_does_not_burn_its_nonce()
    {
        var host = await Host();
        var tampered = _agent.Sign(TestAgent.Request(HttpMethod.Post, Protected, "{\"a\":1}"), parameters: p => p.Nonce = "nonce-0002");
        tampered.Content = new StringContent("{\"a\":2}", System.Text.Encoding.UTF8, "application/json");

        Challenge(await host.SendAsync(tampered), HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature");
        await SucceededAsync(await host.SendAsync(_agent.Sign(TestAgent.Request(HttpMethod.Post, Protected, "{\"a\":1}"), parameters: p => p.Nonce = "nonce-0002")));
    }

    [Fact]
    public async Task RequireNonce_refuses_a_signature_without_nonce_and_asks_for_one()
    {
        var host = await Host(o => o.Signatures.RequireNonce = true);
        const string accept = "sig1=(\"@method\" \"@authority\" \"@path\");created;nonce";

        var without = await host.SendAsync(_agent.Sign(Get()));
        var with = await host.SendAsync(_agent.Sign(Get(), parameters: p => p.Nonce = "nonce-0003"));

        Challenge(without, HttpStatusCode.Unauthorized, SignatureChallenge, "error=invalid_signature", accept);
        await SucceededAsync(with);
    }

    [Fact]
    public async Task Replay_cache_outage_is_503_with_retry_after()
    {
        var host = await Host(services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IReplayCache, UnavailableReplayCache>(s));

        var response = await host.SendAsync(_agent.Sign(Get(), parameters: p => p.Nonce = "nonce-0004"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(["1"], Header(response, "Retry-After"));
        Assert.Equal(["no-store"], Header(response, "Cache-Control"));
        Assert.Empty(Header(response, "WWW-Authenticate"));
        // The error code without a challenge: Signature-Error for the signed request, and the JSON body every family gets.
        Assert.Equal(["error=temporarily_unavailable"], Header(response, "Signature-Error"));
        Assert.Equal("{\"error\":\"temporarily_unavailable\"}", await response.Content.ReadAsStringAsync());
    }

    private sealed class UnavailableReplayCache : IReplayCache
    {
        public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            throw new ReplayCacheUnavailableException("store down");
    }

    private sealed class UnreachableHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("keys.example is unreachable");
    }

    /// <summary>A read-only stream without a length, so HttpClient sends the content chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
