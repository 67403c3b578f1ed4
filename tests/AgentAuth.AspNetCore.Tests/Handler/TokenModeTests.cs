using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>Mode (b2): signature + <c>cnf</c>-bound token in <c>Authorization: Bearer</c>; and plain bearer tokens.</summary>
public sealed class TokenModeTests : IAsyncLifetime
{
    private const string Protected = TokenSetup.Protected;
    private static readonly string[] AllChallenges = ["Signature", "Bearer", DPoPAlgsChallenge];

    private readonly TokenSetup _setup = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    private static string[] BearerError(string error, string description) =>
        ["Bearer error=\"" + error + "\", error_description=\"" + description + "\"", "Signature", DPoPAlgsChallenge];

    private HttpRequestMessage Signed(string token, string method = "GET", string? body = null) =>
        _setup.Agent.Sign(TestAgent.Request(new HttpMethod(method), Protected, body, token));

    [Fact]
    public async Task No_credentials_lists_every_enabled_mode_without_error()
    {
        var host = await _setup.StartAsync();

        Challenge(await host.Client.GetAsync("/protected"), HttpStatusCode.Unauthorized, AllChallenges, signatureError: null);
    }

    [Fact]
    public async Task Ed25519_issuer_token_bound_by_jkt_to_the_agent_key_from_the_agent_jwks()
    {
        var host = await _setup.StartAsync();

        var principal = await SucceededAsync(await host.SendAsync(Signed(_setup.BoundToken(), "POST", "{\"x\":1}")));

        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
        Assert.Equal(["httpsig+jwt"], ClaimValues(principal, "auth_method"));
        Assert.Equal([_setup.Agent.Key.Thumbprint], ClaimValues(principal, "cnf_jkt"));
        Assert.Equal(["read:data:*"], ClaimValues(principal, "scope"));
        Assert.Equal(["sig1"], ClaimValues(principal, "sig_label"));
        Assert.Equal("{\"x\":1}", principal["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("Ed25519")]
    public async Task ES256_RS256_and_Ed25519_issuer_tokens_are_accepted(string alg)
    {
        var host = await _setup.StartAsync();
        var key = alg switch { "ES256" => _setup.IssuerEc, "RS256" => _setup.IssuerRsa, _ => _setup.IssuerEd };

        var token = _setup.Token(TokenSetup.Jkt(_setup.Agent.Key.Thumbprint), key: key, alg: alg);

        await SucceededAsync(await host.SendAsync(Signed(token)));
    }

    [Fact]
    public async Task Token_carrying_the_agent_key_in_cnf_jwk()
    {
        using var agent = new TestAgent(SignatureKey.GenerateEcdsaP256("not-in-any-jwks"), _setup.Time);
        var host = await _setup.StartAsync();
        var token = _setup.Token(TokenSetup.JwkConfirmation(agent.Key));

        var principal = await SucceededAsync(await host.SendAsync(agent.Sign(TestAgent.Request(HttpMethod.Get, Protected, token: token))));

        Assert.Equal([agent.Key.Thumbprint], ClaimValues(principal, "cnf_jkt"));
        Assert.Equal(["httpsig+jwt"], ClaimValues(principal, "auth_method"));
    }

    [Fact]
    public async Task Token_bound_to_another_key_is_bearer_invalid_token()
    {
        using var other = SignatureKey.GenerateEd25519("other");
        var host = await _setup.StartAsync();
        var token = _setup.Token(TokenSetup.Jkt(other.Thumbprint));

        var response = await host.SendAsync(Signed(token));

        Challenge(response, HttpStatusCode.Unauthorized,
            BearerError("invalid_token", "The token is bound to a different key than the one that signed the request."), signatureError: null);
    }

    [Fact]
    public async Task Signature_from_another_key_than_cnf_jwk_is_rejected()
    {
        using var bound = SignatureKey.GenerateEd25519("bound");
        var host = await _setup.StartAsync();
        var token = _setup.Token(TokenSetup.JwkConfirmation(bound));

        var response = await host.SendAsync(Signed(token));

        // A signed request with a bound token: a signature that does not verify with the token's key is the token's failure.
        Challenge(response, HttpStatusCode.Unauthorized,
            BearerError("invalid_token", "The signature does not verify with the key the token is bound to."), signatureError: null);
    }

    [Fact]
    public async Task Authorization_not_covered_is_invalid_input()
    {
        var host = await _setup.StartAsync();
        var request = TestAgent.Request(HttpMethod.Get, Protected, token: _setup.BoundToken());
        _setup.Agent.Sign(request, [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path]);

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, AllChallenges,
            "error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"authorization\")");
    }

    [Fact]
    public async Task Signature_with_a_token_needs_a_nonce()
    {
        var host = await _setup.StartAsync();
        _setup.Agent.SkipNonce = true;

        var response = await host.SendAsync(Signed(_setup.BoundToken()));

        Challenge(response, HttpStatusCode.Unauthorized, AllChallenges, "error=invalid_signature");
    }

    [Fact]
    public async Task Signature_with_a_token_is_single_use()
    {
        var host = await _setup.StartAsync();
        var token = _setup.BoundToken();
        HttpRequestMessage Make() => _setup.Agent.Sign(TestAgent.Request(HttpMethod.Get, Protected, token: token), parameters: p => p.Nonce = "b2-nonce-1");

        await SucceededAsync(await host.SendAsync(Make()));
        Challenge(await host.SendAsync(Make()), HttpStatusCode.Unauthorized, AllChallenges, "error=invalid_signature");
    }

    [Fact]
    public async Task Bound_token_without_signature_is_never_downgraded_to_bearer()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);

        var response = await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.BoundToken()));

        Challenge(response, HttpStatusCode.Unauthorized,
            BearerError("invalid_token", "The token is bound to a key (cnf): present it with an HTTP message signature or a DPoP proof."), signatureError: null);
    }

    [Fact]
    public async Task Bound_token_without_signature_is_refused_when_bearer_is_off()
    {
        var host = await _setup.StartAsync();

        var response = await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.BoundToken()));

        Challenge(response, HttpStatusCode.Unauthorized,
            BearerError("invalid_token", "Bearer tokens are not accepted here: sign the request (RFC 9421) or use a DPoP-bound token."), signatureError: null);
    }

    [Fact]
    public async Task Unbound_token_with_a_signature_is_rejected()
    {
        var host = await _setup.StartAsync();

        var response = await host.SendAsync(Signed(_setup.Token(cnf: null)));

        Challenge(response, HttpStatusCode.Unauthorized,
            BearerError("invalid_token", "A token sent with an HTTP message signature must be bound to the signing key (cnf)."), signatureError: null);
    }

    [Fact]
    public async Task Tampered_body_with_a_bound_token_is_bearer_invalid_token()
    {
        var host = await _setup.StartAsync();
        var request = Signed(_setup.BoundToken(), "POST", "{\"pay\":1}");
        request.Content = new StringContent("{\"pay\":9}", System.Text.Encoding.UTF8, "application/json");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized,
            BearerError("invalid_token", "Content-Digest does not match the body."), signatureError: null);
    }

    [Fact]
    public async Task Invalid_token_with_a_signature_is_bearer_invalid_token()
    {
        var host = await _setup.StartAsync();

        var response = await host.SendAsync(Signed(TestTokens.Tamper(_setup.BoundToken())));

        Challenge(response, HttpStatusCode.Unauthorized, BearerError("invalid_token", "the token signature is invalid"), signatureError: null);
    }

    [Fact]
    public async Task Custom_bound_token_scheme_carries_the_token()
    {
        var host = await _setup.StartAsync(o => o.BoundTokenSchemes.Add("AgentToken"));
        var request = TestAgent.Request(HttpMethod.Get, Protected);
        request.Headers.Authorization = new AuthenticationHeaderValue("AgentToken", _setup.BoundToken());

        var principal = await SucceededAsync(await host.SendAsync(_setup.Agent.Sign(request)));

        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
    }

    [Fact]
    public async Task Bearer_tokens_are_off_by_default()
    {
        var host = await _setup.StartAsync();

        var response = await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(cnf: null)));

        Challenge(response, HttpStatusCode.Unauthorized,
            BearerError("invalid_token", "Bearer tokens are not accepted here: sign the request (RFC 9421) or use a DPoP-bound token."), signatureError: null);
    }

    [Fact]
    public async Task Bearer_token_is_accepted_when_allowed()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);

        var principal = await SucceededAsync(await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(cnf: null))));

        Assert.Equal(["bearer"], ClaimValues(principal, "auth_method"));
        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
        Assert.Empty(ClaimValues(principal, "cnf_jkt"));
        Assert.Empty(ClaimValues(principal, "sig_label"));
    }

    [Theory]
    [InlineData("aud", "the token audience is not accepted")]
    [InlineData("exp", "the token has expired")]
    [InlineData("iss", "the token issuer is not trusted")]
    public async Task Bad_bearer_token_is_invalid_token_with_its_description(string claim, string description)
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);
        var token = _setup.Token(cnf: null, c =>
        {
            switch (claim)
            {
                case "aud": c["aud"] = "https://someone-else.example"; break;
                case "exp": c["exp"] = TestTokens.NowSeconds - 61; break;
                default: c["iss"] = "https://evil.example"; break;
            }
        });

        var response = await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: token));

        Challenge(response, HttpStatusCode.Unauthorized, BearerError("invalid_token", description), signatureError: null);
    }

    [Fact]
    public async Task Two_authorization_headers_are_400_invalid_request()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);
        var request = TestAgent.Request(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _setup.Token(cnf: null));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _setup.Token(cnf: null));

        Challenge(await host.SendAsync(request), HttpStatusCode.BadRequest,
            BearerError("invalid_request", "The request carries more than one Authorization header."), signatureError: null);
    }

    [Fact]
    public async Task DPoP_header_with_a_bearer_token_is_400_invalid_request()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);
        var request = TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(cnf: null));
        request.Headers.TryAddWithoutValidation("DPoP", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln");

        Challenge(await host.SendAsync(request), HttpStatusCode.BadRequest,
            BearerError("invalid_request", "A DPoP proof needs its DPoP-bound token in 'Authorization: DPoP'."), signatureError: null);
    }

    [Fact]
    public async Task Signature_with_DPoP_is_400_invalid_request()
    {
        var host = await _setup.StartAsync();
        var request = TestAgent.Request(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + _setup.Token(TokenSetup.Jkt(_setup.Agent.Key.Thumbprint)));
        request.Headers.TryAddWithoutValidation("DPoP", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
        _setup.Agent.Sign(request);

        Challenge(await host.SendAsync(request), HttpStatusCode.BadRequest,
            BearerError("invalid_request", "Use either a DPoP proof or an HTTP message signature, not both."), signatureError: null);
    }

    [Fact]
    public async Task Signature_without_Signature_Input_is_invalid_request()
    {
        var host = await _setup.StartAsync();
        var request = _setup.Agent.Sign(TestAgent.Request(HttpMethod.Get, Protected));
        request.Headers.Remove("Signature-Input");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, AllChallenges, "error=invalid_request");
    }

    [Fact]
    public async Task Signature_Input_without_Signature_is_invalid_request()
    {
        var host = await _setup.StartAsync();
        var request = _setup.Agent.Sign(TestAgent.Request(HttpMethod.Get, Protected));
        request.Headers.Remove("Signature");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, AllChallenges, "error=invalid_request");
    }

    [Fact]
    public async Task DPoP_token_with_an_invalid_proof_is_a_DPoP_error()
    {
        var host = await _setup.StartAsync();
        var request = TestAgent.Request(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + _setup.Token(TokenSetup.Jkt(_setup.Agent.Key.Thumbprint)));
        request.Headers.TryAddWithoutValidation("DPoP", "not-a-jws");

        var response = await host.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenges = Header(response, "WWW-Authenticate");
        Assert.Equal(3, challenges.Length);
        Assert.StartsWith("DPoP error=\"invalid_dpop_proof\", error_description=\"", challenges[0], StringComparison.Ordinal);
        Assert.EndsWith("\", algs=\"EdDSA Ed25519 ES256 ES384 PS256 RS256\"", challenges[0], StringComparison.Ordinal);
        Assert.Equal(["Signature", "Bearer"], challenges[1..]);
        Assert.Empty(Header(response, "Signature-Error"));
        Assert.Equal(["no-store"], Header(response, "Cache-Control"));
    }

    [Theory]
    [InlineData("Authorization", "Bearer", HttpStatusCode.BadRequest)]
    [InlineData("Authorization", "Bearer a b", HttpStatusCode.BadRequest)]
    [InlineData("Authorization", "Bearer \u00e9\u00e9", HttpStatusCode.BadRequest)]
    [InlineData("Authorization", "Bearer ..", HttpStatusCode.Unauthorized)]
    [InlineData("Authorization", "Bearer " + "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", HttpStatusCode.Unauthorized)]
    [InlineData("Authorization", "DPoP x.y.z", HttpStatusCode.Unauthorized)]
    [InlineData("Signature-Input", "sig1=(((", HttpStatusCode.Unauthorized)]
    [InlineData("Signature-Input", "sig1=(\"@method\");created=abc;keyid=\"agent-ed\"", HttpStatusCode.Unauthorized)]
    [InlineData("Signature-Input", "sig1=(\"@method\" \"@method\" \"@authority\" \"@path\");created=1;keyid=\"agent-ed\"", HttpStatusCode.Unauthorized)]
    [InlineData("Signature-Input", "sig1=(\"@query-param\" \"@authority\" \"@path\" \"@method\");created=1;keyid=\"agent-ed\"", HttpStatusCode.Unauthorized)]
    [InlineData("Signature-Input", "\u0000\u0001\u00ff", HttpStatusCode.Unauthorized)]
    public async Task Garbage_credentials_never_produce_a_500(string header, string value, HttpStatusCode expected)
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);
        var request = TestAgent.Request(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation(header, value);
        if (header == "Signature-Input")
        {
            request.Headers.TryAddWithoutValidation("Signature", "sig1=:AAAA:");
        }
        if (value.StartsWith("DPoP", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("DPoP", "%%%");
        }

        var response = await host.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(["no-store"], Header(response, "Cache-Control"));
        Assert.NotEmpty(Header(response, "WWW-Authenticate"));
        // The handler's last-resort catch (UnexpectedError) must not be what answered, and nothing is logged as a server error.
        Assert.DoesNotContain(host.Logs.Lines, l => l.EventId.Name == "UnexpectedError" || l.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task DPoP_request_when_DPoP_is_off_is_treated_as_no_credentials()
    {
        var host = await _setup.StartAsync(o => o.DPoP.Enabled = false);
        var request = TestAgent.Request(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + _setup.Token(TokenSetup.Jkt(_setup.Agent.Key.Thumbprint)));
        request.Headers.TryAddWithoutValidation("DPoP", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, ["Signature", "Bearer"], signatureError: null);
    }

    [Fact]
    public async Task Error_descriptions_can_be_left_out()
    {
        var host = await _setup.StartAsync(o => o.IncludeErrorDetails = false);

        var response = await host.SendAsync(Signed(_setup.Token(cnf: null)));

        Challenge(response, HttpStatusCode.Unauthorized, ["Bearer error=\"invalid_token\"", "Signature", DPoPAlgsChallenge], signatureError: null);
    }

    [Fact]
    public async Task Unknown_authorization_scheme_is_treated_as_no_credentials()
    {
        var host = await _setup.StartAsync();
        var request = TestAgent.Request(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");

        Challenge(await host.SendAsync(request), HttpStatusCode.Unauthorized, AllChallenges, signatureError: null);
    }
}
